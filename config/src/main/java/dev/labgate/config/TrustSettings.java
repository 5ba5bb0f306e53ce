package dev.labgate.config;

import dev.labgate.core.forge.Permission;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whom labgate trusts to put a tree on lab hardware.
 *
 * @param minPermission the least forge permission with which an author is trusted (rule 1)
 * @param users accounts trusted whatever their permission
 * @param teams GitHub teams ({@code org/team}) or GitLab groups whose members are trusted
 * @param maintainers who may approve a change and use maintainers-only labs
 * @param signatures whether commits must be signed, and by which keys
 */
public record TrustSettings(Permission.Level minPermission, List<String> users, List<String> teams,
                            Maintainers maintainers, Signatures signatures) {

    public static final TrustSettings DEFAULT = new TrustSettings(Permission.Level.WRITE, List.of(), List.of(),
            Maintainers.DEFAULT, Signatures.DEFAULT);

    public TrustSettings {
        Objects.requireNonNull(minPermission, "minPermission");
        users = List.copyOf(users);
        teams = List.copyOf(teams);
        Objects.requireNonNull(maintainers, "maintainers");
        Objects.requireNonNull(signatures, "signatures");
    }

    /**
     * Who counts as a maintainer.
     *
     * @param maintainersFile a MAINTAINERS file in the tree (read from the default branch): a person listed
     *                        as {@code M:} for the paths a change touches is a maintainer for that change (rule 5)
     * @param emails the e-mail addresses of forge accounts, to find them among the {@code M:} entries
     */
    public record Maintainers(Permission.Level minPermission, List<String> users, List<String> teams,
                              Optional<String> maintainersFile, Map<String, List<String>> emails) {

        public static final Maintainers DEFAULT = new Maintainers(Permission.Level.MAINTAIN, List.of(), List.of(),
                Optional.empty(), Map.of());

        public Maintainers {
            Objects.requireNonNull(minPermission, "minPermission");
            users = List.copyOf(users);
            teams = List.copyOf(teams);
            Objects.requireNonNull(maintainersFile, "maintainersFile");
            emails = Map.copyOf(emails);
        }
    }

    /**
     * Commit signatures (rule 3).
     *
     * @param required whether every commit of a change must carry a trusted signature
     * @param openPgpKeyring an armored OpenPGP keyring of maintainer keys
     * @param sshAllowedSigners an OpenSSH allowed-signers file of maintainer keys
     * @param forgeKeys whether keys the forge lists for a trusted user also count
     */
    public record Signatures(boolean required, Optional<Path> openPgpKeyring, Optional<Path> sshAllowedSigners,
                             boolean forgeKeys) {

        public static final Signatures DEFAULT = new Signatures(false, Optional.empty(), Optional.empty(), false);

        public Signatures {
            Objects.requireNonNull(openPgpKeyring, "openPgpKeyring");
            Objects.requireNonNull(sshAllowedSigners, "sshAllowedSigners");
        }
    }
}
