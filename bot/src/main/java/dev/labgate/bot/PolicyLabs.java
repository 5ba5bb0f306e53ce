package dev.labgate.bot;

import dev.labgate.config.LabSpec;
import dev.labgate.config.PolicySource;
import dev.labgate.core.lab.Lab;
import dev.labgate.flow.Labs;
import dev.labgate.lab.command.CommandLab;
import dev.labgate.lab.command.CommandSettings;
import dev.labgate.lab.git.TreeFetcher;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The labs of the policy in force, built on first use and rebuilt when their definition changes. */
public final class PolicyLabs implements Labs, AutoCloseable {

    private record Built(LabSpec spec, Lab lab) {
    }

    private final PolicySource policies;
    private final Path dataDir;
    private final Clock clock;
    private final TreeFetcher fetcher;
    private final ExecutorService starter;
    private final ConcurrentHashMap<String, Built> built = new ConcurrentHashMap<>();

    public PolicyLabs(PolicySource policies, Path dataDir, Clock clock) {
        this.policies = policies;
        this.dataDir = dataDir;
        this.clock = clock;
        this.fetcher = new TreeFetcher(dataDir.resolve("git"));
        this.starter = Executors.newFixedThreadPool(2, runnable -> {
            var thread = new Thread(runnable, "labgate-command-lab");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Optional<Lab> find(String name) {
        var spec = policies.current().labs().get(name);
        if (spec == null) {
            return Optional.empty();
        }
        return Optional.of(built.compute(name, (k, old) -> old != null && old.spec().equals(spec)
                ? old : new Built(spec, build(spec))).lab());
    }

    private Lab build(LabSpec spec) {
        var command = (LabSpec.Command) spec;
        return new CommandLab(command.name(), new CommandSettings(command.command(), command.timeout(), command.env(),
                command.maxOutputBytes()), dataDir.resolve("work").resolve(command.name()), fetcher, starter, clock);
    }

    @Override
    public void close() {
        starter.shutdownNow();
    }
}
