package dev.labgate.config;

import dev.labgate.core.event.RepoRef;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's policy: which repositories labgate serves, whom it trusts, which labs exist and
 * who may use them, which tests run where, and the limits. Immutable; a reload produces a new one.
 *
 * @param version a short hash of the file's content (and of the repository extension, when one
 *                applies), recorded with every decision
 * @param access who may use each lab; a lab without an entry uses {@link LabAccess#DEFAULT}
 * @param plans which labs test which changes; a plan's {@code after} makes its lab a later stage
 *              (checked when the policy is read: no cycles, and only after a planned lab)
 * @param artifacts where the files of build labs are kept and for how long
 * @param baselines where each lab's baseline comes from
 * @param kcidb KCIDB as a shared source: off unless configured
 */
public record Policy(String version, List<RepositoryRule> repositories, TrustSettings trust,
                     Map<String, LabSpec> labs, Map<String, LabAccess> access, List<PlanRule> plans, Quotas quotas,
                     Reporting reporting, List<KnownIssue> knownIssues, ArtifactSettings artifacts,
                     Map<String, Baseline> baselines, KcidbSettings kcidb) {

    public Policy {
        Objects.requireNonNull(version, "version");
        repositories = List.copyOf(repositories);
        Objects.requireNonNull(trust, "trust");
        labs = Map.copyOf(labs);
        access = Map.copyOf(access);
        plans = List.copyOf(plans);
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(reporting, "reporting");
        knownIssues = List.copyOf(knownIssues);
        Objects.requireNonNull(artifacts, "artifacts");
        baselines = Map.copyOf(baselines);
        Objects.requireNonNull(kcidb, "kcidb");
    }

    /** Where a lab's baseline comes from; a lab the policy does not define has none. */
    public Baseline baseline(String lab) {
        return baselines.getOrDefault(lab, Baseline.NONE);
    }

    public Optional<RepositoryRule> repository(RepoRef repo) {
        return repositories.stream()
                .filter(r -> r.forge().equals(repo.forge()) && r.name().equalsIgnoreCase(repo.fullName()))
                .findFirst();
    }

    public LabAccess access(String lab) {
        return access.getOrDefault(lab, LabAccess.DEFAULT);
    }

    /** The lab whose run must pass before a run on {@code lab} starts: the {@code after} of its plans. */
    public Optional<String> after(String lab) {
        return plans.stream().filter(p -> p.lab().equals(lab)).map(PlanRule::after).flatMap(Optional::stream)
                .findFirst();
    }

    /** The most active runs {@code lab} takes: its own limit, else the policy's per-lab quota. */
    public Optional<Integer> maxConcurrent(String lab) {
        return access(lab).maxConcurrent().or(quotas::concurrentRunsPerLab);
    }
}
