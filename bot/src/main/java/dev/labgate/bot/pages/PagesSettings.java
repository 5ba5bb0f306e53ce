package dev.labgate.bot.pages;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;
import java.util.Optional;

/**
 * Who may read the run pages ({@code labgate.pages.*}; {@code LABGATE_PAGES_ALLOWED_NETWORKS}).
 *
 * @param allowedNetworks client address ranges allowed to read the pages and their JSON, e.g.
 *                        {@code 10.0.0.0/8, 2001:db8::/32, 192.0.2.7}; none (the default) opens them to all
 */
@ConfigurationProperties("labgate.pages")
public record PagesSettings(Optional<List<String>> allowedNetworks) {
}
