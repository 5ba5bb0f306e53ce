package dev.labgate.bot;

import dev.labgate.config.ArtifactSettings;
import dev.labgate.config.LabSpec;
import dev.labgate.config.PolicySource;
import dev.labgate.core.lab.Lab;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.flow.Labs;
import dev.labgate.lab.artifact.ArtifactStore;
import dev.labgate.lab.artifact.S3Bucket;
import dev.labgate.lab.build.BuildLab;
import dev.labgate.lab.build.BuildSettings;
import dev.labgate.lab.command.CommandLab;
import dev.labgate.lab.command.CommandSettings;
import dev.labgate.lab.git.TreeFetcher;
import dev.labgate.lab.kernelci.KernelCiLab;
import dev.labgate.lab.kernelci.KernelCiSettings;
import dev.labgate.lab.lava.LavaLab;
import dev.labgate.lab.lava.LavaSettings;
import dev.labgate.lab.sandbox.Bubblewrap;
import dev.labgate.lab.sandbox.Limits;
import dev.labgate.lab.sandbox.Sandbox;
import dev.labgate.lab.sandbox.SandboxSetup;
import dev.labgate.lab.sandbox.Unconfined;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The labs of the policy in force, built on first use and rebuilt when their definition changes,
 * and the store their artifacts are published in. Secrets are read from the environment variables
 * the policy names. A lab that cannot work as configured (a missing token, a bad template, no
 * sandbox for a command or build lab) is still built, as a lab that refuses every run with the
 * reason, so that the run ends with that reason instead of a crash.
 */
public final class PolicyLabs implements Labs, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyLabs.class);

    /**
     * What the labs need from the service besides the policy.
     *
     * @param environment reads an environment variable (null when unset)
     * @param publicUrl the service's public URL, where LAVA jobs call back; empty to rely on polling
     * @param callbackKey the secret LAVA callback tokens and artifact URL tokens derive from (each
     *                    for its purpose), the same on every replica
     * @param logUrl where labgate serves a command lab run's output, by run id (null without a public URL)
     */
    public record Context(Function<String, String> environment, Optional<String> publicUrl, byte[] callbackKey,
                          Function<String, String> logUrl) {
    }

    /** A lab as built, and what it was built from: its definition, and for a build lab the artifact settings. */
    private record Built(LabSpec spec, ArtifactSettings artifacts, Lab lab, Optional<SandboxSetup> sandbox) {
    }

    /** The store of the policy's artifact settings; {@code problem} says why its bucket cannot be used, if so. */
    private record Store(ArtifactSettings settings, ArtifactStore store, Optional<String> problem) {
    }

    /** How much of a build's output its command lab keeps for itself; the build log is published whole. */
    private static final long BUILD_OUTPUT = 1024 * 1024;

    private final PolicySource policies;
    private final Path dataDir;
    private final Clock clock;
    private final Context context;
    private final TreeFetcher fetcher;
    private final ExecutorService starter;
    private final ConcurrentHashMap<String, Built> built = new ConcurrentHashMap<>();
    private final AtomicReference<Store> store = new AtomicReference<>();

    public PolicyLabs(PolicySource policies, Path dataDir, Clock clock, Context context) {
        this.policies = policies;
        // Absolute: bubblewrap resolves a relative bind source against its own working directory,
        // and the default data directory is ./data.
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.clock = clock;
        this.context = context;
        this.fetcher = new TreeFetcher(dataDir.resolve("git"));
        this.starter = Executors.newFixedThreadPool(2, runnable -> {
            var thread = new Thread(runnable, "labgate-command-lab");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Optional<Lab> find(String name) {
        return lab(name, true);
    }

    /** @param warn whether to log a lab that is built anew and cannot work */
    private Optional<Lab> lab(String name, boolean warn) {
        var policy = policies.current();
        var spec = policy.labs().get(name);
        if (spec == null) {
            return Optional.empty();
        }
        return Optional.of(built(name, spec, warn).lab());
    }

    /**
     * Every lab of the policy in force that cannot work as configured, as {@code lab NAME: reason}:
     * what the service logs at start and {@code labgate config check} reports. Builds each lab once.
     */
    public List<String> problems() {
        var problems = new ArrayList<String>();
        for (var name : policies.current().labs().keySet()) {
            lab(name, false).filter(Unusable.class::isInstance).map(Unusable.class::cast)
                    .ifPresent(lab -> problems.add(lab.reason()));
        }
        return problems;
    }

    /**
     * How the code of a command or build lab's runs is confined on this host (its lab is built if it
     * was not); empty for other labs.
     */
    public Optional<SandboxSetup> sandbox(String name) {
        var spec = policies.current().labs().get(name);
        return spec == null ? Optional.empty() : built(name, spec, false).sandbox();
    }

    private Built built(String name, LabSpec spec, boolean warn) {
        var artifacts = spec instanceof LabSpec.Build ? policies.current().artifacts() : null;
        return built.compute(name, (k, old) -> {
            if (old != null && old.spec().equals(spec) && Objects.equals(old.artifacts(), artifacts)) {
                return old;
            }
            var lab = build(spec, artifacts);
            if (warn && lab.lab() instanceof Unusable unusable) {
                LOG.warn("{}; its runs end with this reason until the policy is fixed", unusable.reason());
            }
            if (warn && lab.sandbox().filter(s -> s instanceof SandboxSetup.Ready ready
                    && ready.sandbox() instanceof Unconfined).isPresent()) {
                LOG.warn(SandboxReport.of(spec.name(), lab.sandbox().get()).text());
            }
            return lab;
        });
    }

    /**
     * Where artifacts are published under the policy in force: the operator's published directory,
     * or {@code <data dir>/artifacts}, served at {@code <public URL>/artifacts}, and uploaded to the
     * policy's S3 bucket when it names one.
     */
    public ArtifactStore artifacts() {
        return store().store();
    }

    private Store store() {
        var settings = policies.current().artifacts();
        return store.updateAndGet(old -> old != null && old.settings().equals(settings) ? old : store(settings));
    }

    private Store store(ArtifactSettings settings) {
        var key = context.callbackKey();
        if (settings.published().isPresent()) {
            var published = settings.published().get();
            return new Store(settings, new ArtifactStore(published.directory(), Optional.of(published.url().toString()),
                    settings.maxFileBytes(), key, Optional.empty()), Optional.empty());
        }
        var local = dataDir.resolve("artifacts");
        var served = context.publicUrl().map(u -> u.replaceAll("/+$", "") + "/artifacts");
        if (settings.bucket().isEmpty()) {
            return new Store(settings, new ArtifactStore(local, served, settings.maxFileBytes(), key, Optional.empty()),
                    Optional.empty());
        }
        var bucket = settings.bucket().get();
        var accessKey = secret(bucket.accessKeyEnv());
        var secretKey = secret(bucket.secretKeyEnv());
        if (accessKey == null || secretKey == null) {
            var unset = new ArrayList<String>();
            if (accessKey == null) {
                unset.add(bucket.accessKeyEnv());
            }
            if (secretKey == null) {
                unset.add(bucket.secretKeyEnv());
            }
            return new Store(settings, new ArtifactStore(local, served, settings.maxFileBytes(), key, Optional.empty()),
                    Optional.of("artifacts.s3 needs the bucket's access key in " + bucket.accessKeyEnv() + " and its "
                            + "secret in " + bucket.secretKeyEnv() + "; " + String.join(" and ", unset)
                            + (unset.size() == 1 ? " is" : " are") + " not set"));
        }
        var credentials = new S3Bucket.Credentials(accessKey, secretKey, bucket.accessKeyEnv() + " and "
                + bucket.secretKeyEnv());
        return new Store(settings, new ArtifactStore(local, served, settings.maxFileBytes(), key, Optional.of(
                new S3Bucket(bucket.endpoint(), bucket.name(), bucket.region(), bucket.prefix(), bucket.url(),
                        credentials, clock, RetryPolicy.OUTSIDE_CALLS))), Optional.empty());
    }

    private Built build(LabSpec spec, ArtifactSettings artifacts) {
        try {
            if (spec instanceof LabSpec.KernelCi kernelci) {
                return new Built(spec, artifacts, kernelCi(kernelci), Optional.empty());
            }
            if (spec instanceof LabSpec.Lava lava) {
                return new Built(spec, artifacts, lava(lava), Optional.empty());
            }
            if (spec instanceof LabSpec.Build build) {
                return confined(build, artifacts, build.confinement(), sandbox -> build(build, sandbox));
            }
            var command = (LabSpec.Command) spec;
            return confined(command, artifacts, command.confinement(), sandbox -> new CommandLab(command.name(),
                    new CommandSettings(command.command(), command.timeout(), command.env(), command.maxOutputBytes(),
                            limits(command.confinement()), context.logUrl()), sandbox, scratch(command.name()),
                    fetcher, starter, clock));
        } catch (IllegalArgumentException e) {
            var reason = e.getMessage().startsWith("lab " + spec.name() + ": ") ? e.getMessage()
                    : "lab " + spec.name() + ": " + e.getMessage();
            return new Built(spec, artifacts, new Unusable(spec.name(), reason), Optional.empty());
        }
    }

    /** A lab that runs the change's code: built in its sandbox, or refusing every run when that cannot start. */
    private Built confined(LabSpec spec, ArtifactSettings artifacts, LabSpec.Confinement confinement,
                           Function<Sandbox, Lab> lab) {
        var setup = sandbox(confinement, Optional.of(dataDir), dataDir.resolve("sandbox-check-" + spec.name()));
        if (setup instanceof SandboxSetup.Ready ready) {
            return new Built(spec, artifacts, lab.apply(ready.sandbox()), Optional.of(setup));
        }
        return new Built(spec, artifacts, new Unusable(spec.name(), SandboxReport.of(spec.name(), setup).text()),
                Optional.of(setup));
    }

    private static Limits limits(LabSpec.Confinement confinement) {
        return new Limits(confinement.cpu(), confinement.memory(), confinement.processes(), confinement.output(),
                confinement.disk());
    }

    /**
     * The sandbox a command or build lab's runs get on this host, tried once in {@code scratch}:
     * bubblewrap unless the operator wrote {@code sandbox: none}; refused (never a silent fallback)
     * where bubblewrap cannot start, or where a read-only path the lab grants would show labgate's data.
     *
     * @param dataDir labgate's data directory, where known
     */
    private static SandboxSetup sandbox(LabSpec.Confinement confinement, Optional<Path> dataDir, Path scratch) {
        if (!confinement.sandboxed()) {
            return new SandboxSetup.Ready(new Unconfined());
        }
        var data = dataDir.map(d -> d.toAbsolutePath().normalize());
        for (var path : confinement.readOnly()) {
            if (data.filter(d -> d.startsWith(path) || path.startsWith(d)).isPresent()) {
                return new SandboxSetup.Refused("the read-only path " + path + " would show labgate's data directory "
                        + data.get() + " (its database, keys and other runs) to the command");
            }
        }
        return Bubblewrap.setUp(confinement.network(), confinement.readOnly(), scratch);
    }

    /** A build lab: a command lab in its sandbox running labgate's build script, publishing in {@link #artifacts()}. */
    private Lab build(LabSpec.Build spec, Sandbox sandbox) {
        var settings = new BuildSettings(spec.arch(), spec.defconfig(), spec.fragments(), spec.toolchain(),
                spec.crossCompile(), spec.configName());
        var command = new CommandLab(spec.name(), new CommandSettings(BuildLab.script(settings), spec.timeout(),
                Map.of(), BUILD_OUTPUT, limits(spec.confinement())), sandbox, scratch(spec.name()), fetcher, starter,
                clock);
        var artifacts = store();
        if (artifacts.problem().isPresent()) {
            throw new IllegalArgumentException("lab " + spec.name() + ": " + artifacts.problem().get());
        }
        var store = artifacts.store();
        if (store.url("run").isEmpty()) {
            LOG.warn("lab {}: labgate has no public URL and the policy names no artifacts directory: its builds are "
                    + "kept in {} but later stages cannot download them", spec.name(), store.root());
        }
        return new BuildLab(command, settings, store);
    }

    private Lab kernelCi(LabSpec.KernelCi spec) {
        var settings = new KernelCiSettings(spec.pipelineUrl().toString(), spec.apiUrl().toString(),
                secret(spec.tokenEnv()), spec.treeUrl().toString(), spec.pushUrl().toString(),
                spec.pushTokenEnv().map(v -> "labgate").orElse(null), spec.pushTokenEnv().map(this::secret).orElse(null),
                spec.branch(), spec.jobfilter(), spec.platformfilter(), spec.pollInterval(),
                spec.dashboardUrl().map(URI::toString).orElse(null));
        if (settings.token() == null) {
            throw new IllegalArgumentException("lab " + spec.name() + ": the environment variable " + spec.tokenEnv()
                    + " that should hold the KernelCI token is not set");
        }
        return new KernelCiLab(spec.name(), settings, fetcher, scratch(spec.name()), clock);
    }

    private Lab lava(LabSpec.Lava spec) {
        var token = secret(spec.tokenEnv());
        if (token == null) {
            throw new IllegalArgumentException("lab " + spec.name() + ": the environment variable " + spec.tokenEnv()
                    + " that should hold the LAVA token is not set");
        }
        String template;
        try {
            template = Files.readString(spec.template());
        } catch (IOException e) {
            throw new IllegalArgumentException("lab " + spec.name() + ": cannot read the job template "
                    + spec.template() + ": " + e.getMessage(), e);
        }
        var settings = new LavaSettings(spec.url().toString(), token, template, spec.variables(),
                spec.artifactsUrl().map(URI::toString).orElse(null), context.publicUrl().orElse(null),
                spec.pollInterval(), spec.deviceTree().orElse(null));
        return new LavaLab(spec.name(), settings, context.callbackKey());
    }

    private String secret(String variable) {
        var value = context.environment().apply(variable);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private Path scratch(String lab) {
        return dataDir.resolve("work").resolve(lab);
    }

    /**
     * Stops starting commands, and waits briefly for a start under way so that none begins after
     * close. Commands already started keep running: the next instance finds them (see docs/labs.md).
     */
    @Override
    public void close() {
        starter.shutdownNow();
        try {
            starter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A lab of the policy that cannot work: every run it is given ends with the reason. */
    private record Unusable(String name, String reason) implements Lab {
        @Override
        public LabRun submit(TreeRequest request) {
            throw new LabException(reason, false);
        }

        @Override
        public LabProgress poll(LabRun run) {
            throw new LabException(reason, false);
        }

        @Override
        public void cancel(LabRun run) {
            // Nothing was submitted.
        }
    }
}
