package dev.labgate.config;

import dev.labgate.core.event.RepoRef;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's policy: which repositories labgate serves, whom it trusts, which labs exist and
 * which tests run where. Immutable; a reload produces a new one.
 *
 * @param version a short hash of the file's content, recorded with every decision
 */
public record Policy(String version, List<RepositoryRule> repositories, TrustSettings trust,
                     Map<String, LabSpec> labs, List<PlanRule> plans) {

    public Policy {
        Objects.requireNonNull(version, "version");
        repositories = List.copyOf(repositories);
        Objects.requireNonNull(trust, "trust");
        labs = Map.copyOf(labs);
        plans = List.copyOf(plans);
    }

    public Optional<RepositoryRule> repository(RepoRef repo) {
        return repositories.stream()
                .filter(r -> r.forge().equals(repo.forge()) && r.name().equalsIgnoreCase(repo.fullName()))
                .findFirst();
    }
}
