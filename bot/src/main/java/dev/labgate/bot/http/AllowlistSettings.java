package dev.labgate.bot.http;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;
import java.util.Optional;

/**
 * Who may read anything labgate serves: {@code labgate.pages.allowed-networks}
 * ({@code LABGATE_PAGES_ALLOWED_NETWORKS}). The name says pages because the run pages were the
 * first to follow it; {@link NetworkAllowlist} applies it to every request.
 *
 * @param allowedNetworks client address ranges, e.g. {@code 10.0.0.0/8, 2001:db8::/32, 192.0.2.7};
 *                        none (the default) opens labgate to every address
 */
@ConfigurationProperties("labgate.pages")
public record AllowlistSettings(Optional<List<String>> allowedNetworks) {
}
