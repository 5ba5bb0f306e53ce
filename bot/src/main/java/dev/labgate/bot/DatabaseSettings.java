package dev.labgate.bot;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.Optional;

/**
 * The database ({@code labgate.database.*}). Without a URL, an embedded H2 file database under the
 * data directory; with a {@code jdbc:postgresql:} URL, PostgreSQL (production, several replicas).
 */
@ConfigurationProperties("labgate.database")
public record DatabaseSettings(Optional<String> url, Optional<String> user, Optional<String> password,
                               @Bindable(defaultValue = "10") int poolSize) {

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url.orElse("(embedded)") + ", user=" + user.orElse("") + ", password="
                + (password.isPresent() ? "(set)" : "(none)") + ", poolSize=" + poolSize + "]";
    }
}
