package dev.labgate.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * KCIDB as a shared source ({@code kcidb} in the policy); everything is off unless configured.
 *
 * @param dashboard where results and triaged issues of other CI systems are read; needed by labs
 *     whose baseline is {@code kcidb} and by {@code known-issues}
 * @param knownIssues whether KCIDB's triaged issues for the base and head commits join the known issues
 * @param submit where every finished run's results are submitted under the operator's origin
 */
public record KcidbSettings(Optional<Dashboard> dashboard, boolean knownIssues, Optional<Submit> submit) {

    /** KCIDB not used at all. */
    public static final KcidbSettings OFF = new KcidbSettings(Optional.empty(), false, Optional.empty());

    public KcidbSettings {
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(submit, "submit");
    }

    /**
     * The KernelCI dashboard API and the tree whose results are read.
     *
     * @param api the API root, e.g. {@code https://dashboard.kernelci.org/api/}
     * @param origin the KCIDB origin whose results are read, e.g. {@code maestro}
     * @param treeUrl the tree's repository URL as that origin reports it
     * @param branch the tree's branch as that origin reports it
     */
    public record Dashboard(URI api, String origin, String treeUrl, String branch) {
        public Dashboard {
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(treeUrl, "treeUrl");
            Objects.requireNonNull(branch, "branch");
        }
    }

    /**
     * kcidb-ng, where labgate's results go.
     *
     * @param url the kcidb-ng base URL ({@code /submit} and {@code /status} are below it)
     * @param tokenEnv the environment variable that holds the JWT the KernelCI team issued
     * @param origin the origin the token is for; every submitted object carries it
     */
    public record Submit(URI url, String tokenEnv, String origin) {
        public Submit {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(tokenEnv, "tokenEnv");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /** The environment variables KCIDB's settings read secrets from. */
    public List<String> secretVariables() {
        return submit.map(s -> List.of(s.tokenEnv())).orElse(List.of());
    }
}
