package dev.labgate.bot.cli;

import dev.labgate.config.PolicyParser;
import dev.labgate.flow.PolicyKnownIssues;
import dev.labgate.kcidb.KnownIssues;
import dev.labgate.kcidb.Results;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.kcidb.VerdictJson;
import dev.labgate.kcidb.VerdictMarkdown;
import dev.labgate.kcidb.VerdictText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@code labgate kcidb summarize HEAD.json... [--baseline BASE.json]...}: labgate's verdict over KCIDB files. */
@Command(name = "summarize", mixinStandardHelpOptions = true,
        description = {"The verdict over the KCIDB results of a head commit, compared with its base when given.",
                "Exit 0 whatever the verdict (read it from the output); 64 when the command line or a file "
                        + "cannot be used."})
public final class KcidbSummarizeCommand implements Callable<Integer> {

    enum Format { markdown, json, text }

    @Parameters(arity = "1..*", paramLabel = "HEAD.json", description = "KCIDB files with the results of the head commit")
    List<Path> head;

    @Option(names = "--baseline", paramLabel = "BASE.json",
            description = "KCIDB file with the results of the base commit (repeatable); without one, failures are "
                    + "reported as not compared")
    List<Path> baseline = List.of();

    @Option(names = "--format", defaultValue = "text", description = "markdown, json or text (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--dashboard-url", paramLabel = "URL",
            description = "link every finding to this KCIDB dashboard, e.g. https://dashboard.kernelci.org")
    String dashboardUrl;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "a labgate policy whose known-issues apply: failures they match are listed apart and do "
                    + "not fail the verdict")
    Path policy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        KnownIssues known;
        try {
            known = knownIssues();
        } catch (UnreadableFile e) {
            return unreadable(e);
        }
        Results headResults;
        Optional<Results> baseResults = Optional.empty();
        // Head and baseline are read on two threads: reading is most of the work.
        var base = baseline.isEmpty() ? null : CompletableFuture.supplyAsync(() -> read(baseline));
        try {
            headResults = read(head);
            if (base != null) {
                baseResults = Optional.of(base.join());
            }
        } catch (UnreadableFile e) {
            return unreadable(e);
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnreadableFile unreadable) {
                return unreadable(unreadable);
            }
            throw e;
        }
        var verdict = new VerdictAggregator(Optional.ofNullable(dashboardUrl))
                .aggregate(headResults, baseResults, known);
        var out = spec.commandLine().getOut();
        out.print(switch (format) {
            case markdown -> VerdictMarkdown.render(verdict, List.of());
            case json -> VerdictJson.write(verdict) + "\n";
            case text -> VerdictText.render(verdict);
        });
        out.flush();
        return 0;
    }

    private int unreadable(UnreadableFile e) {
        spec.commandLine().getErr().println("labgate kcidb summarize: " + e.getMessage());
        return KcidbCommand.USAGE;
    }

    private KnownIssues knownIssues() {
        if (policy == null) {
            return KnownIssues.none();
        }
        String text;
        try {
            text = Files.readString(policy);
        } catch (IOException e) {
            throw new UnreadableFile(policy + ": " + KcidbValidateCommand.describe(e));
        }
        var directory = policy.toAbsolutePath().getParent();
        var parsed = new PolicyParser().parse(text, directory);
        if (!parsed.valid()) {
            throw new UnreadableFile(policy + ":" + parsed.errors().get(0) + " (labgate config check " + policy
                    + " lists every error)");
        }
        return PolicyKnownIssues.of(parsed.policy().orElseThrow());
    }

    private static Results read(List<Path> files) {
        var results = new Results();
        for (var file : files) {
            try (var in = Files.newInputStream(file)) {
                results.read(in);
            } catch (IOException e) {
                throw new UnreadableFile(file + ": " + KcidbValidateCommand.describe(e)
                        + " (labgate kcidb validate " + file + " says more)");
            }
        }
        return results;
    }

    private static final class UnreadableFile extends RuntimeException {
        UnreadableFile(String message) {
            super(message);
        }
    }
}
