package dev.labgate.flow;

import dev.labgate.config.Policy;
import dev.labgate.config.PolicySource;
import dev.labgate.core.event.Command;
import dev.labgate.core.event.ForgeEvent;
import dev.labgate.core.event.Subject;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.run.Run;
import dev.labgate.core.store.RunStore;
import dev.labgate.core.store.Transactions;
import dev.labgate.core.store.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Carries out the {@code /labgate} commands people write on a change. Every command except
 * {@code help} and {@code ok-to-test} needs the policy's trust level on the repository, asked of
 * the forge; a refusal is answered on the change with the reason. Safe to repeat: replies are
 * written once per comment, a retest of the same comment starts its round once.
 */
public final class CommandHandler {

    /** Starts runs for a change's head in a given round, through the same trust and plan as a push. */
    @FunctionalInterface
    public interface Rounds {
        /** Returns what happened, in words. */
        String start(ForgeEvent.ChangeUpdated change, int round);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

    private final PolicySource policies;
    private final RunStore runs;
    private final Cancellations cancellations;
    private final Approvals approvals;

    public CommandHandler(PolicySource policies, RunStore runs, WorkQueue work, Transactions transactions, Labs labs,
                          Approvals approvals) {
        this.policies = policies;
        this.runs = runs;
        this.cancellations = new Cancellations(runs, work, transactions, labs);
        this.approvals = approvals;
    }

    /** Carries out one command; returns what happened, in words, for the delivery's record. */
    public String handle(Forge forge, ForgeEvent.CommandIssued command, String deliveryId, Rounds rounds) {
        var policy = policies.current();
        var change = command.change();
        if (policy.repository(change.repo()).isEmpty()) {
            return "ignored: " + change.repo() + " is not in the policy";
        }
        if (command.command() == Command.HELP) {
            var unknown = command.unknown() ? "`/labgate " + command.written().replace("`", "'")
                    + "` is not a command labgate knows.\n\n" : "";
            forge.reply(change, command.commentId(), unknown + help(policy, command));
            return (command.unknown() ? "unknown command '" + command.written() + "': " : "") + "help sent to "
                    + command.by();
        }
        if (command.command() == Command.OK_TO_TEST) {
            var outcome = approvals.approve(command);
            forge.reply(change, command.commentId(), "@" + command.by() + ": " + outcome.message() + ".");
            return "ok-to-test by " + command.by() + (outcome.approved() ? ": approved: " : ": not approved: ")
                    + outcome.message();
        }
        var needed = policy.trust().minPermission();
        var permission = forge.permission(change.repo(), command.by());
        if (!permission.level().atLeast(needed)) {
            forge.reply(change, command.commentId(), "@" + command.by() + ": `/labgate " + command.command().word()
                    + "` needs at least " + needed.name().toLowerCase(Locale.ROOT) + " access to " + change.repo().fullName()
                    + ". " + permission.reason() + ". Nothing was done.");
            return "refused " + command.command().word() + " by " + command.by() + ": " + permission.reason();
        }
        var subject = new Subject.Change(change);
        if (command.command() == Command.CANCEL) {
            var cancelled = cancellations.cancel(subject, run -> true, "cancelled by " + command.by());
            forge.reply(change, command.commentId(), cancelled.isEmpty()
                    ? "Nothing to cancel: no run of this change is waiting or running."
                    : "Cancelled " + cancelled.size() + (cancelled.size() == 1 ? " run" : " runs")
                    + " of this change at the request of @" + command.by() + ".");
            return "cancel by " + command.by() + ": " + cancelled.size() + " cancelled";
        }
        var current = forge.openChange(change);
        if (current.isEmpty()) {
            forge.reply(change, command.commentId(), "This change is closed: there is nothing to test.");
            return command.command().word() + " by " + command.by() + " ignored: the change is closed";
        }
        var head = current.get().headSha();
        var atHead = runs.forHead(subject.key(), head);
        var round = round(atHead, deliveryId);
        var limit = policy.quotas().retestsPerHead();
        if (round > limit) {
            forge.reply(change, command.commentId(), "@" + command.by() + ": " + shortSha(head) + " has been tested "
                    + "again " + limit + (limit == 1 ? " time" : " times") + " already, the most the policy allows "
                    + "(`quotas.retests-per-head`). Nothing was started; push a new commit to test again.");
            return command.command().word() + " by " + command.by() + " refused: " + limit + " retests of " + head
                    + " already";
        }
        // The runs of the round this one replaces must not report over it.
        cancellations.cancel(subject, run -> run.headSha().equals(head) && run.round() < round,
                "replaced by a new round asked for by " + command.by());
        var outcome = rounds.start(current.get(), round);
        LOG.info("{} by {} on {}: round {} at {}: {}", command.command().word(), command.by(), change, round, head,
                outcome);
        forge.reply(change, command.commentId(), acknowledgement(command, subject, head, round, outcome));
        return command.command().word() + " by " + command.by() + ", round " + round + ": " + outcome;
    }

    /** The one line that tells the person what their test or retest started. */
    private String acknowledgement(ForgeEvent.CommandIssued command, Subject subject, String head, int round,
                                   String outcome) {
        var labs = runs.forHead(subject.key(), head).stream().filter(r -> r.round() == round).map(Run::lab)
                .distinct().toList();
        if (labs.isEmpty()) {
            return "@" + command.by() + ": nothing was started: " + outcome + ".";
        }
        return "@" + command.by() + ": testing `" + shortSha(head) + "`" + (round > 0 ? " again (round " + round + ")"
                : "") + " on " + String.join(", ", labs) + ".";
    }

    private static String shortSha(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }

    /**
     * The round this command starts: one past the newest at the head, unless this very delivery
     * already started it (the task is being repeated).
     */
    private static int round(List<Run> atHead, String deliveryId) {
        var newest = atHead.stream().mapToInt(Run::round).max();
        if (newest.isEmpty()) {
            return 0;
        }
        var repeated = atHead.stream().anyMatch(r -> r.round() == newest.getAsInt() && deliveryId.equals(r.deliveryId()));
        return repeated ? newest.getAsInt() : newest.getAsInt() + 1;
    }

    /** The answer to {@code /labgate help}: usage, who may use each command, and an example. */
    static String help(Policy policy, ForgeEvent.CommandIssued command) {
        var repo = command.change().repo().fullName();
        var trusted = "people with at least " + policy.trust().minPermission().name().toLowerCase(Locale.ROOT) + " access to "
                + repo;
        return "### labgate commands\n\n"
                + "Write a command at the start of a line in a new comment on the change.\n\n"
                + "| command | what it does | who may use it |\n|---|---|---|\n"
                + "| `/labgate test` | tests the change's current head on the labs the policy plans (again, as a "
                + "new round, if it was tested already) | " + trusted + " |\n"
                + "| `/labgate retest` | runs the current head again, as a new round (at most "
                + policy.quotas().retestsPerHead() + " times per head) | " + trusted + " |\n"
                + "| `/labgate cancel` | stops the runs of this change that have not finished | " + trusted + " |\n"
                + "| `/labgate ok-to-test` | approves the current head of a change whose author is not trusted yet, "
                + "so that it may reach the labs | maintainers the policy trusts to approve |\n"
                + "| `/labgate help` | shows this help | anyone |\n\n"
                + "For example, to run the tests again after a lab had trouble:\n\n"
                + "```\n/labgate retest\n```\n\n"
                + "Commands inside code blocks and quotes are ignored, and so are edited comments.\n";
    }
}
