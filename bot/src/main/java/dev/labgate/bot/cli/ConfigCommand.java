package dev.labgate.bot.cli;

import dev.labgate.config.PolicyParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code labgate config}: the operator's tools for the policy file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the policy file.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code labgate config check FILE}: every problem with its line, column and a suggestion; exit 0 when valid. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a policy file: every error with its line, column and a suggestion.",
                    "Exit status 0 when the file is valid, 1 when it is not."})
    public static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the policy file")
        Path file;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                err.println(file + ": cannot read it: " + e.getMessage());
                return 1;
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
            out.println(file + ": valid (version " + policy.version() + "): " + policy.repositories().size()
                    + " repositories, " + policy.labs().size() + " labs, " + policy.plans().size() + " plans");
            // Not an error: the check may run where the service's secrets are not.
            for (var lab : policy.labs().values()) {
                for (var variable : lab.secretVariables()) {
                    if (System.getenv(variable) == null) {
                        out.println(file + ": note: lab " + lab.name() + " reads a secret from " + variable
                                + ", which is not set here; the service needs it to use the lab");
                    }
                }
            }
            return 0;
        }
    }
}
