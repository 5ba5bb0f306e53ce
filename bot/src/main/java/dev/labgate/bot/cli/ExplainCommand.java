package dev.labgate.bot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labgate.bot.FilePolicySource;
import dev.labgate.bot.Labgate;
import dev.labgate.bot.LabgateSettings;
import dev.labgate.config.Judgement;
import dev.labgate.config.MaintainerFacts;
import dev.labgate.config.Planner;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.plan.TestPlan;
import dev.labgate.core.trust.ChangeCommits;
import dev.labgate.core.trust.TrustDecision;
import dev.labgate.flow.Forges;
import dev.labgate.flow.NoHistory;
import dev.labgate.flow.TrustGate;
import dev.labgate.forge.git.GitChangeCommits;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code labgate explain}: what labgate would do with one delivery: the event it reads, the
 * trust decision with every rule consulted, and the plan. It submits nothing and writes nothing
 * to the forge; the facts it needs are read from the forge. With {@code --offline} nothing is asked:
 * a decision that depends on a fact only the forge knows is not given, and that fact is named.
 * Approvals and quotas in labgate's database are not read.
 */
@CommandLine.Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain what labgate would do with a webhook delivery, without doing it.",
                "Forge facts are read (never written) with the configured token (e.g. LABGATE_GITHUB_TOKEN); "
                        + "--offline asks nothing and names the facts it could not know.",
                "The policy is --policy, else LABGATE_POLICY, else policy/example.yml, as for 'labgate serve'."})
public final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--forge", required = true, paramLabel = "FORGE", description = "the forge that sent it: github or gitlab")
    String forgeName;

    @Option(names = "--event", required = true, paramLabel = "TYPE",
            description = "the event type, as the X-GitHub-Event or X-Gitlab-Event header says (pull_request, ...)")
    String event;

    @Parameters(paramLabel = "PAYLOAD.json", description = "the delivery's body")
    Path payload;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "the policy file (default: LABGATE_POLICY, else policy/example.yml)")
    Path policyFile;

    @Option(names = "--offline", description = "ask the forge nothing; name the facts that could not be known")
    boolean offline;

    /** The configured forge, asked (read-only) unless {@code --offline}. */
    private Forge forgeFacts;

    static final int USAGE = 64;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        byte[] body;
        JsonNode json;
        try {
            body = Files.readAllBytes(payload);
            json = new ObjectMapper().readTree(body);
        } catch (IOException e) {
            err.println(payload + ": " + KcidbValidateCommand.describe(e));
            return USAGE;
        }
        // Only the settings and the forges are needed. Metrics would bind the database's gauges and so
        // open (or create) the data directory's database, which a running service holds locked.
        try (var context = ApplicationContext.builder().mainClass(Labgate.class).banner(false)
                .properties(Map.of("micronaut.metrics.enabled", false)).start()) {
            FilePolicySource policy;
            try {
                // The same policy as 'labgate serve' would use: --policy, else LABGATE_POLICY (labgate.policy).
                policy = FilePolicySource.load(Optional.ofNullable(policyFile)
                        .or(() -> context.getBean(LabgateSettings.class).policy()));
            } catch (FilePolicySource.InvalidPolicy e) {
                err.println(e.getMessage());
                return 1;
            }
            var forge = context.getBean(Forges.class).find(forgeName);
            if (forge.isEmpty()) {
                err.println("no forge named '" + forgeName + "' is configured; one of: "
                        + String.join(", ", context.getBean(Forges.class).all().stream().map(Forge::name).toList()));
                return USAGE;
            }
            forgeFacts = forge.get();
            explain(out, forge.get(), policy, body, json);
            return 0;
        } catch (ForgeException e) {
            err.println("the forge could not answer: " + e.getMessage() + " (try --offline)");
            return 1;
        }
    }

    private void explain(PrintWriter out, Forge forge, FilePolicySource source, byte[] body, JsonNode json)
            throws IOException {
        var parsed = forge.parse(new Delivery(new DeliveryKey(forge.name(), "explain"), event, body, Instant.now()));
        out.println("Event (" + forge.name() + " " + event + "):");
        out.println("  " + describe(parsed));
        var head = parsed instanceof ForgeEvent.ChangeUpdated c ? c.headSha() : "";
        var scratch = Files.createTempDirectory("labgate-explain");
        ChangeCommits commits = offline ? (range, keys) -> {
            throw new ChangeCommits.Unavailable("--offline fetches no commits", null);
        } : new GitChangeCommits(scratch.resolve("git"), scratch.resolve("keys"), Clock.systemUTC());
        var nothing = new NoHistory();
        var gate = new TrustGate(new TrustRules(), new Planner(), new PolicyParser(), nothing, nothing, nothing,
                commits, Clock.systemUTC());
        var operator = source.current();
        out.println("Policy: " + source.where() + ", version " + operator.version());
        // Offline, a fact only the forge knows is assumed once in the author's favour and once not:
        // the decision is given only when both agree, else the facts it depends on are named.
        var favourable = facts(json, head, ExplainFacts.Assumption.MOST);
        var unfavourable = offline ? facts(json, head, ExplainFacts.Assumption.LEAST) : favourable;
        try {
            if (parsed instanceof ForgeEvent.ChangeUpdated change) {
                var repo = change.change().repo();
                if (operator.repository(repo).isEmpty()) {
                    out.println("Ignored: " + repo + " is not in the policy.");
                } else {
                    report(out, unfavourable, judgeChange(gate, unfavourable, operator, change),
                            offline ? judgeChange(gate, favourable, operator, change) : null);
                }
            } else if (parsed instanceof ForgeEvent.BranchPushed push) {
                if (operator.repository(push.repo()).isEmpty()) {
                    out.println("Ignored: " + push.repo() + " is not in the policy.");
                } else {
                    report(out, unfavourable, judgePush(gate, unfavourable, operator, push),
                            offline ? judgePush(gate, favourable, operator, push) : null);
                }
            } else if (parsed instanceof ForgeEvent.CommandIssued command) {
                explainCommand(out, gate, unfavourable, favourable, operator, command);
            } else {
                out.println("Nothing to decide.");
            }
        } catch (ChangeCommits.Unavailable e) {
            printFacts(out, unfavourable);
            out.println("Trust decision: not reached. It needs the change's commits (signatures are required, or an "
                    + "approval may carry over), and " + e.getMessage() + ".");
        } finally {
            deleteTree(scratch);
        }
        out.println();
        out.println("Nothing was submitted and nothing was written to the forge. Approvals and quotas recorded in "
                + "labgate's database were not consulted.");
    }

    private ExplainFacts facts(JsonNode json, String head, ExplainFacts.Assumption assumption) {
        return new ExplainFacts(offline ? Optional.empty() : Optional.of(forgeFacts), json, head, assumption);
    }

    private Analysis judgeChange(TrustGate gate, ExplainFacts facts, Policy operator,
                                 ForgeEvent.ChangeUpdated change) {
        // Offline the paths are not known: plans limited to paths are kept, and say so.
        Optional<Supplier<List<String>>> changed = offline ? Optional.empty()
                : Optional.of(() -> facts.changedFiles(change.change()));
        var planned = gate.plan(facts, operator, change.change().repo(), changed);
        return new Analysis(planned, planned.plan().isEmpty() ? null : gate.judgeChange(facts, planned, change));
    }

    private static Analysis judgePush(TrustGate gate, ExplainFacts facts, Policy operator,
                                      ForgeEvent.BranchPushed push) {
        var planned = gate.plan(facts, operator, push.repo(), Optional.empty());
        return new Analysis(planned, planned.plan().isEmpty() ? null : gate.judgePush(facts, planned, push));
    }

    /** The plan and, when it plans anything, the decision about it. */
    private record Analysis(TrustGate.Planned planned, TrustGate.Verdict verdict) {
    }

    /**
     * @param favourable offline, the same analysis with every unknown fact in the author's favour; null online
     */
    private static void report(PrintWriter out, ExplainFacts facts, Analysis analysis, Analysis favourable) {
        analysis.planned().note().ifPresent(note -> out.println("Policy extension: " + note));
        printFacts(out, facts);
        var verdict = analysis.verdict();
        if (verdict == null) {
            out.println("Plan: the policy plans no tests for this change; labgate would ignore it.");
            return;
        }
        var decision = verdict.decision();
        var other = favourable == null ? null : favourable.verdict();
        if (other != null && (other.decision().outcome() != decision.outcome()
                || !other.decision().rule().equals(decision.rule()))) {
            out.println("Trust decision: NOT KNOWN offline. It depends on " + String.join("; ", facts.unknown())
                    + ", which only the forge can tell (run without --offline, with the forge's token):");
            out.println("  if they favour " + verdict.who() + ": " + word(other.decision().outcome()) + " by rule "
                    + other.decision().rule() + ": " + other.decision().reason());
            out.println("  if they do not: " + word(decision.outcome()) + " by rule " + decision.rule() + ": "
                    + decision.reason());
            out.println("Plan:");
            for (int i = 0; i < verdict.labs().size(); i++) {
                var entry = verdict.labs().get(i).entry();
                out.println("  " + entry.lab() + " " + tests(entry) + ", because of " + entry.why() + ": "
                        + fate(other.labs().get(i), other.decision()) + " if they favour " + verdict.who() + "; "
                        + fate(verdict.labs().get(i), decision) + " if they do not");
            }
            return;
        }
        out.println("Trust decision: " + word(decision.outcome()) + " by rule " + decision.rule());
        out.println("  " + decision.reason());
        if (!facts.unknown().isEmpty()) {
            out.println("  (the facts not known offline would not change it)");
        }
        out.println("Rules consulted:");
        verdict.judgement().trail().forEach(line -> out.println("  " + line));
        out.println("Plan:");
        for (var lab : verdict.labs()) {
            var entry = lab.entry();
            out.println("  " + entry.lab() + " " + tests(entry) + ", because of " + entry.why() + ": "
                    + fate(lab, decision));
        }
    }

    private static String tests(TestPlan.Entry entry) {
        return entry.tests().isEmpty() ? "(the lab's default tests)" : entry.tests().toString();
    }

    private static String fate(TrustGate.LabVerdict lab, TrustDecision decision) {
        return !lab.admitted() ? "would not run: " + lab.admission().decision().reason()
                : decision.trusted() ? lab.entry().after().map(after -> "would run once " + after + " passed")
                .orElse("would run") : "would wait for a maintainer's /labgate ok-to-test";
    }

    private void explainCommand(PrintWriter out, TrustGate gate, ExplainFacts facts, ExplainFacts favourable,
                                Policy operator, ForgeEvent.CommandIssued command) {
        var repo = command.change().repo();
        if (operator.repository(repo).isEmpty()) {
            out.println("Ignored: " + repo + " is not in the policy.");
            return;
        }
        if (command.command() != Command.OK_TO_TEST) {
            printFacts(out, facts);
            out.println("Command: /labgate " + command.command().word() + " by " + command.by()
                    + "; only ok-to-test is a trust decision.");
            return;
        }
        var judgement = approval(gate, facts, operator, command);
        printFacts(out, facts);
        var other = offline ? approval(gate, favourable, operator, command) : judgement;
        if (other.decision().outcome() != judgement.decision().outcome()) {
            out.println("Approval: NOT KNOWN offline. It depends on " + String.join("; ", facts.unknown())
                    + ", which only the forge can tell:");
            out.println("  if they favour " + command.by() + ": " + other.decision().reason());
            out.println("  if they do not: " + judgement.decision().reason());
            return;
        }
        out.println("Approval: " + word(judgement.decision().outcome()) + " by rule " + judgement.decision().rule());
        out.println("  " + judgement.decision().reason());
        out.println("Rules consulted:");
        judgement.trail().forEach(line -> out.println("  " + line));
    }

    private Judgement approval(TrustGate gate, ExplainFacts facts, Policy operator,
                               ForgeEvent.CommandIssued command) {
        var repo = command.change().repo();
        var trust = gate.facts(facts);
        var policy = trust.policyFor(operator, repo).policy();
        var approver = trust.person(policy, repo, command.by());
        var changed = policy.trust().maintainers().maintainersFile().isPresent()
                ? facts.changedFiles(command.change()) : List.<String>of();
        var head = offline ? "(the head at the time)" : facts.currentHead(command.change());
        return gate.rules().approval(policy, new MaintainerFacts(approver, trust.maintainersFile(policy, repo),
                changed), head);
    }

    private static void printFacts(PrintWriter out, ExplainFacts facts) {
        out.println("Facts:");
        if (facts.notes().isEmpty()) {
            out.println("  none were needed");
        }
        facts.notes().forEach(note -> out.println("  " + note));
    }

    static String describe(ForgeEvent event) {
        if (event instanceof ForgeEvent.ChangeUpdated c) {
            return "change " + c.change() + " " + c.action().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": head "
                    + c.headSha() + " on base " + c.baseRef() + " (" + c.baseSha() + "), author " + c.author()
                    + (c.fromFork() ? ", from a fork" : "") + (c.draft() ? ", draft" : "");
        }
        if (event instanceof ForgeEvent.BranchPushed p) {
            return "push to " + p.repo() + " " + p.ref() + " by " + p.pusher() + ": " + p.before() + " -> " + p.after()
                    + (p.deleted() ? " (deleted)" : "");
        }
        if (event instanceof ForgeEvent.CommandIssued c) {
            return "comment on " + c.change() + " by " + c.by() + ": /labgate " + c.command().word();
        }
        if (event instanceof ForgeEvent.ChangeClosed c) {
            return "change " + c.change() + (c.merged() ? " merged" : " closed");
        }
        return "ignored: " + ((ForgeEvent.Ignored) event).reason();
    }

    private static String word(TrustDecision.Outcome outcome) {
        return outcome.name().replace('_', ' ');
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
