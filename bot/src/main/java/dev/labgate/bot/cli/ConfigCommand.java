package dev.labgate.bot.cli;

import dev.labgate.bot.PolicyLabs;
import dev.labgate.bot.SandboxReport;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.lab.sandbox.SandboxSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code labgate config}: the operator's tools for the policy file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the policy file.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand {

    /** {@code labgate config check FILE}: every problem with its line, column and a suggestion; exit 0 when valid. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a policy file: every error with its line, column and a suggestion, and every lab "
                    + "the service could not use as defined (templates, URLs, the shape of tokens that are set).",
                    "Exit status 0 when the file is valid, 1 when it is not, 64 on a usage error."})
    public static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        /**
         * Stands in for a lab secret that is not set where the check runs, so that the lab's other
         * checks still run: shaped as both kinds of lab expect (a JWT for KernelCI, no white space for LAVA).
         */
        private static final String STAND_IN_SECRET = "eyJzdGFuZC1pbiI6MX0.eyJjb25maWctY2hlY2siOjF9.c3RhbmQtaW4";

        @Parameters(paramLabel = "FILE", description = "the policy file")
        Path file;

        private final Function<String, String> environment = System::getenv;

        /** What the service's lab checks find: the labs it could not use, and how each command lab is sandboxed. */
        private record LabChecks(List<String> problems, List<SandboxReport> sandboxes) {
        }

        /**
         * The checks the service runs on each lab before its first run (templates, URLs, tokens'
         * shape, the sandbox of a command lab, tried on this host).
         */
        private LabChecks labChecks(Policy policy) {
            Path scratch;
            try {
                scratch = Files.createTempDirectory("labgate-config-check");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var key = new byte[32];
            // The service's public URL as it would read it from the environment: where labs download artifacts from.
            var publicUrl = Optional.ofNullable(environment.apply("LABGATE_PUBLIC_URL")).filter(u -> !u.isBlank());
            try (var labs = new PolicyLabs(() -> policy, scratch, Clock.systemUTC(), new PolicyLabs.Context(
                    name -> Optional.ofNullable(environment.apply(name)).orElse(STAND_IN_SECRET),
                    publicUrl, key, runId -> null))) {
                var sandboxes = new ArrayList<SandboxReport>();
                for (var name : policy.labs().keySet()) {
                    labs.sandbox(name).filter(SandboxSetup.Ready.class::isInstance)
                            .ifPresent(setup -> sandboxes.add(SandboxReport.of(name, setup)));
                }
                return new LabChecks(labs.problems(), sandboxes);
            } finally {
                try (var paths = Files.walk(scratch)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // A temporary directory left behind is harmless.
                }
            }
        }

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                err.println(file + ": cannot read it: " + KcidbValidateCommand.describe(e));
                return KcidbCommand.USAGE;
            }
            var directory = file.toAbsolutePath().getParent();
            var result = new PolicyParser().parse(text, directory == null ? Path.of("") : directory);
            if (!result.valid()) {
                for (var error : result.errors()) {
                    err.println(file + ":" + error);
                }
                err.println(file + ": " + result.errors().size() + (result.errors().size() == 1 ? " error" : " errors"));
                return 1;
            }
            var policy = result.policy().orElseThrow();
            var checks = labChecks(policy);
            var problems = checks.problems();
            if (!problems.isEmpty()) {
                problems.forEach(problem -> err.println(file + ": " + problem));
                err.println(file + ": " + problems.size() + (problems.size() == 1 ? " error" : " errors"));
                return 1;
            }
            out.println(file + ": valid (version " + policy.version() + "): " + policy.repositories().size()
                    + " repositories, " + policy.labs().size() + " labs, " + policy.plans().size() + " plans");
            // A command lab without a sandbox is valid (the operator's choice) but said loudly.
            for (var report : checks.sandboxes()) {
                out.println(file + ": " + (report.level() == SandboxReport.Level.WARNING ? "WARNING: " : "note: ")
                        + report.text());
            }
            // Not an error: the check may run where the service's secrets are not.
            for (var lab : policy.labs().values()) {
                for (var variable : lab.secretVariables()) {
                    if (environment.apply(variable) == null) {
                        out.println(file + ": note: lab " + lab.name() + " reads a secret from " + variable
                                + ", which is not set here; the service needs it to use the lab");
                    }
                }
            }
            for (var variable : policy.kcidb().secretVariables()) {
                if (System.getenv(variable) == null) {
                    out.println(file + ": note: kcidb.submit reads its token from " + variable
                            + ", which is not set here; the service needs it to share results with KCIDB");
                }
            }
            for (var variable : policy.artifacts().secretVariables()) {
                if (environment.apply(variable) == null) {
                    out.println(file + ": note: artifacts.s3 reads a credential from " + variable
                            + ", which is not set here; the service needs it to upload build artifacts");
                }
            }
            return 0;
        }
    }
}
