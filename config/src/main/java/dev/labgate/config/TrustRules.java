package dev.labgate.config;

import dev.labgate.core.event.Person;
import dev.labgate.core.forge.Permission;
import dev.labgate.core.trust.Approval;
import dev.labgate.core.trust.CommitCheck;
import dev.labgate.core.trust.SignatureVerdict;
import dev.labgate.core.trust.TrustDecision;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a commit may reach lab hardware, who may approve it, and which labs it may use.
 * Pure: every fact is passed in, nothing is asked of a forge or a store. Each decision names the
 * rule that decided and gives a reason written for the contributor.
 */
public final class TrustRules {

    /** The repository is not one labgate serves. */
    public static final String REPOSITORY = "repository";
    /** Before any rule: the change is one the forge has open, by a number the forge could have given. */
    public static final String CHANGE = "change";
    /** Before any rule: the head lives on the forge's git host, the only host labgate fetches code from. */
    public static final String HEAD_ORIGIN = "head-origin";
    /** Rule 3: every commit carries a trusted signature. */
    public static final String SIGNATURES = "signatures";
    /** Rule 1: the author has at least the configured permission. */
    public static final String FORGE_PERMISSION = "forge-permission";
    /** Rule 1: the author is named in the policy. */
    public static final String TRUSTED_USER = "trusted-user";
    /** Rule 1: the author is a member of a trusted team or group. */
    public static final String TRUSTED_TEAM = "trusted-team";
    /** Rule 2: a maintainer approved this head. */
    public static final String APPROVAL = "approval";
    /** Rule 4: a maintainer approved an earlier head with the same patches. */
    public static final String REBASE_CARRY_OVER = "rebase-carry-over";
    /** Rule 6: pushes to staging branches by trusted pushers. */
    public static final String STAGING_BRANCH = "staging-branch";
    /** Rules 2 and 5: who counts as a maintainer. */
    public static final String MAINTAINER = "maintainer";
    /** Rule 5: listed as M: in MAINTAINERS for a path the change touches. */
    public static final String MAINTAINERS_FILE = "maintainers-file";
    /** Rule 7: maintainers-only labs. */
    public static final String LAB_TIER = "lab-tier";
    /** Rule 7: runs per author per day. */
    public static final String QUOTA_AUTHOR = "quota-runs-per-author-per-day";
    /** Rule 7: within every limit. */
    public static final String LAB_ADMISSION = "lab-admission";

    /** How a maintainer approves a head where labgate runs as a service. */
    public static final String OK_TO_TEST = "a maintainer can approve this commit with /labgate ok-to-test";

    private final String howToApprove;

    /** The rules as the service applies them: approvals are {@code /labgate ok-to-test} comments. */
    public TrustRules() {
        this(OK_TO_TEST);
    }

    /**
     * @param howToApprove the sentence that tells the contributor how a maintainer approves a head
     *                     where these rules run (a one-shot CI job approves differently from the service)
     */
    public TrustRules(String howToApprove) {
        this.howToApprove = howToApprove;
    }

    /** Rules 1 to 4, and forks: may this head of a change reach any lab? */
    public Judgement decideChange(Policy policy, ChangeFacts facts) {
        var trail = new ArrayList<String>();
        if (policy.repository(facts.repo()).isEmpty()) {
            return done(trail, TrustDecision.rejected(REPOSITORY, facts.repo().fullName()
                    + " is not one of the repositories in labgate's policy"));
        }
        var signatures = signatures(policy, facts.commits(), trail);
        if (signatures.isPresent()) {
            return done(trail, signatures.get());
        }
        var own = authorTrust(policy, facts.author(), facts.repo().fullName(), trail);
        if (own.isPresent()) {
            return done(trail, own.get());
        }
        var fork = facts.fromFork() ? " The change comes from a fork; only its author counts." : "";
        if (facts.approval().isEmpty()) {
            trail.add(APPROVAL + ": no maintainer has approved this change");
            return done(trail, TrustDecision.needsApproval(FORGE_PERMISSION, reasonUntrusted(policy, facts.author(),
                    facts.repo().fullName()) + "; " + howToApprove + "." + fork));
        }
        var approval = facts.approval().get();
        if (approval.headSha().equals(facts.headSha())) {
            return done(trail, TrustDecision.trusted(APPROVAL, approvedBy(approval) + " approved this commit ("
                    + shortSha(facts.headSha()) + ")" + carried(approval) + "."));
        }
        var difference = patchDifference(approval, facts);
        if (difference.isEmpty()) {
            var count = approval.patchIds().size();
            return done(trail, TrustDecision.trusted(REBASE_CARRY_OVER, approvedBy(approval) + " approved "
                    + shortSha(approval.headSha()) + "; " + shortSha(facts.headSha()) + " has the same " + count
                    + (count == 1 ? " patch" : " patches") + " (a pure rebase), so the approval carries over"));
        }
        trail.add(REBASE_CARRY_OVER + ": " + difference.get());
        return done(trail, TrustDecision.needsApproval(APPROVAL, approvedBy(approval) + " approved "
                + shortSha(approval.headSha()) + ", but " + shortSha(facts.headSha()) + " was pushed since and "
                + difference.get() + "; " + howToApprove + " again." + fork));
    }

    /**
     * Whether a change's head comes from where labgate fetches code. labgate fetches a change only
     * from the forge's git host ({@code fetchUrl}); a head whose repository the forge places on
     * another host is refused, rather than something else being tested from labgate's host in its name.
     *
     * @param headCloneUrl the head repository's clone URL as the forge sent it; empty when the forge
     *     names none (a deleted fork), which is no reason to refuse
     */
    public Optional<Judgement> headOrigin(String fetchUrl, String headCloneUrl) {
        if (headCloneUrl.isEmpty()) {
            return Optional.empty();
        }
        var expected = host(fetchUrl);
        var actual = host(headCloneUrl);
        if (actual.isPresent() && actual.equals(expected)) {
            return Optional.empty();
        }
        return Optional.of(done(new ArrayList<>(), TrustDecision.rejected(HEAD_ORIGIN, "the head's repository is "
                + actual.map(h -> "on " + h).orElse("at an address labgate cannot read") + ", not on "
                + expected.orElse(fetchUrl) + ", the only host labgate fetches code from; it was not tested")));
    }

    /** The host of a URL in lower case, or its scheme for a URL without one ({@code file:}). */
    private static Optional<String> host(String url) {
        try {
            var uri = new URI(url);
            if (uri.getHost() != null) {
                return Optional.of(uri.getHost().toLowerCase(Locale.ROOT));
            }
            return Optional.ofNullable(uri.getScheme()).map(scheme -> scheme.toLowerCase(Locale.ROOT) + ":");
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Rule 6: a push to a staging branch by a trusted pusher is trusted; pushes to other branches are ignored. */
    public Judgement decidePush(Policy policy, PushFacts facts) {
        var trail = new ArrayList<String>();
        var rule = policy.repository(facts.repo());
        if (rule.isEmpty()) {
            return done(trail, TrustDecision.rejected(REPOSITORY, facts.repo().fullName()
                    + " is not one of the repositories in labgate's policy"));
        }
        var branch = facts.ref().replaceFirst("^refs/heads/", "");
        if (!facts.ref().startsWith("refs/heads/") || !rule.get().isStaging(branch)) {
            return done(trail, TrustDecision.rejected(STAGING_BRANCH, branch + " is not a staging branch of "
                    + facts.repo().fullName() + "; pushes to other branches are ignored"));
        }
        if (facts.deleted()) {
            return done(trail, TrustDecision.rejected(STAGING_BRANCH, "the staging branch " + branch
                    + " was deleted; there is nothing to test"));
        }
        var signatures = signatures(policy, facts.commits(), trail);
        if (signatures.isPresent()) {
            return done(trail, signatures.get());
        }
        var own = authorTrust(policy, facts.pusher(), facts.repo().fullName(), trail);
        if (own.isPresent()) {
            return done(trail, TrustDecision.trusted(STAGING_BRANCH, "a push to the staging branch " + branch
                    + " by a trusted pusher: " + own.get().reason()));
        }
        return done(trail, TrustDecision.rejected(STAGING_BRANCH, "pushes to the staging branch " + branch
                + " are tested only from trusted pushers, and " + reasonUntrusted(policy, facts.pusher(),
                facts.repo().fullName())));
    }

    /**
     * Rule 1 alone: whether a person is trusted by permission, name or team. The flow asks this
     * first to know whether the forge's keys of the person count for rule 3.
     */
    public boolean trustedPerson(Policy policy, PersonFacts person) {
        return authorTrust(policy, person, "", new ArrayList<>()).isPresent();
    }

    /** Rules 2 and 5: whether a person counts as a maintainer for a change. */
    public Judgement maintainer(Policy policy, MaintainerFacts facts) {
        var trail = new ArrayList<String>();
        var m = policy.trust().maintainers();
        var person = facts.person();
        var who = person.person();
        var level = person.permission().level();
        if (level.atLeast(m.minPermission())) {
            return done(trail, TrustDecision.trusted(MAINTAINER, who + " has " + word(level) + " access ("
                    + person.permission().reason() + ")"));
        }
        trail.add(MAINTAINER + ": " + who + " has " + word(level) + " access; maintainers need "
                + word(m.minPermission()));
        if (m.users().contains(who.login())) {
            return done(trail, TrustDecision.trusted(MAINTAINER, who + " is named as a maintainer in the policy"));
        }
        var team = person.memberOfAny(m.teams());
        if (team.isPresent()) {
            return done(trail, TrustDecision.trusted(MAINTAINER, who + " is a member of " + team.get()));
        }
        if (!m.teams().isEmpty()) {
            trail.add(MAINTAINER + ": " + who + " is in none of the maintainer teams " + String.join(", ", m.teams()));
        }
        if (facts.maintainersFile().isPresent()) {
            var emails = m.emails().getOrDefault(who.login(), List.of());
            for (var email : emails) {
                var sections = facts.maintainersFile().get().sectionsMaintainedBy(email, facts.changedFiles());
                if (!sections.isEmpty()) {
                    return done(trail, TrustDecision.trusted(MAINTAINERS_FILE, who + " (" + email
                            + ") is listed as M: in MAINTAINERS for what this change touches: "
                            + String.join(", ", sections)));
                }
            }
            trail.add(MAINTAINERS_FILE + ": " + (emails.isEmpty() ? "the policy gives no e-mail address for " + who
                    : who + " is not listed as M: for any path this change touches"));
        }
        return done(trail, TrustDecision.rejected(MAINTAINER, who + " is not a maintainer: " + word(level)
                + " access where maintainers need " + word(m.minPermission()) + ", and not named as one"));
    }

    /** Rule 2: does a {@code /labgate ok-to-test} count? Only a maintainer's does. */
    public Judgement approval(Policy policy, MaintainerFacts approver, String headSha) {
        var maintainer = maintainer(policy, approver);
        var who = approver.person().person();
        if (!maintainer.trusted()) {
            return done(maintainer.trail(), TrustDecision.rejected(APPROVAL, "/labgate ok-to-test by " + who
                    + " is ignored: " + maintainer.decision().reason() + "; only a maintainer can approve"));
        }
        return done(maintainer.trail(), TrustDecision.trusted(APPROVAL, who + " approved " + shortSha(headSha)
                + " as a maintainer (" + maintainer.decision().reason() + ")"));
    }

    /** Rule 7, its tier part alone: may changes of this author use this lab at all? */
    public Judgement tier(Policy policy, String lab, Person author, boolean authorIsMaintainer) {
        var trail = new ArrayList<String>();
        if (policy.access(lab).tier() == LabAccess.Tier.MAINTAINERS && !authorIsMaintainer) {
            return done(trail, TrustDecision.rejected(LAB_TIER, lab + " is for maintainers' changes only, and "
                    + author + " is not a maintainer"));
        }
        return done(trail, TrustDecision.trusted(LAB_TIER, lab + " is open to " + (policy.access(lab).tier()
                == LabAccess.Tier.MAINTAINERS ? "maintainers' changes, and " + author + " is a maintainer"
                : "any trusted change")));
    }

    /** Rule 7: may a trusted change use this lab now? */
    public Judgement admit(Policy policy, LabRequest request) {
        var trail = new ArrayList<String>();
        var lab = request.lab();
        var tier = tier(policy, lab, request.author(), request.authorIsMaintainer());
        if (!tier.trusted()) {
            return tier;
        }
        var perDay = policy.quotas().runsPerAuthorPerDay();
        if (perDay.isPresent() && request.runsByAuthorToday() >= perDay.get()) {
            return done(trail, TrustDecision.rejected(QUOTA_AUTHOR, request.author() + " has used all "
                    + perDay.get() + " runs of today (UTC); the quota resets at midnight UTC"));
        }
        // A full lab is no refusal: the run waits in the lab's queue for a free slot.
        var concurrent = policy.maxConcurrent(lab);
        return done(trail, TrustDecision.trusted(LAB_ADMISSION, lab + " is open to this change"
                + perDay.map(q -> "; " + (request.runsByAuthorToday() + 1) + " of " + q + " runs today").orElse("")
                + concurrent.map(q -> request.activeOnLab() >= q
                        ? "; " + lab + " has " + request.activeOnLab() + " runs for its " + q + " slots, so it queues"
                        : "; " + (request.activeOnLab() + 1) + " of " + q + " on the lab").orElse("")));
    }

    private static Optional<TrustDecision> authorTrust(Policy policy, PersonFacts facts, String repo,
                                                       List<String> trail) {
        var trust = policy.trust();
        var who = facts.person();
        var level = facts.permission().level();
        if (level.atLeast(trust.minPermission())) {
            return Optional.of(TrustDecision.trusted(FORGE_PERMISSION, who + " has " + word(level) + " access"
                    + (repo.isEmpty() ? "" : " to " + repo) + " (" + facts.permission().reason() + ")"));
        }
        trail.add(FORGE_PERMISSION + ": " + who + " has " + word(level) + " access (" + facts.permission().reason()
                + "); " + word(trust.minPermission()) + " is needed");
        if (trust.users().contains(who.login())) {
            return Optional.of(TrustDecision.trusted(TRUSTED_USER, who + " is named as trusted in the policy"));
        }
        trail.add(TRUSTED_USER + ": " + who + " is not named in the policy");
        var team = facts.memberOfAny(trust.teams());
        if (team.isPresent()) {
            return Optional.of(TrustDecision.trusted(TRUSTED_TEAM, who + " is a member of " + team.get()));
        }
        if (!trust.teams().isEmpty()) {
            trail.add(TRUSTED_TEAM + ": " + who + " is in none of " + String.join(", ", trust.teams()));
        }
        return Optional.empty();
    }

    private static Optional<TrustDecision> signatures(Policy policy, Optional<List<CommitCheck>> commits,
                                                      List<String> trail) {
        if (!policy.trust().signatures().required()) {
            return Optional.empty();
        }
        if (commits.isEmpty()) {
            return Optional.of(TrustDecision.rejected(SIGNATURES, "the policy requires signed commits, and the "
                    + "commits could not be checked"));
        }
        var bad = commits.get().stream().filter(c -> c.verdict() != SignatureVerdict.TRUSTED).toList();
        if (bad.isEmpty()) {
            trail.add(SIGNATURES + ": all " + commits.get().size() + " commits carry a trusted signature");
            return Optional.empty();
        }
        var listed = bad.stream().limit(5).map(c -> c.shortCommit() + " " + c.verdict().label()
                + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")")).collect(Collectors.joining(", "));
        return Optional.of(TrustDecision.rejected(SIGNATURES, bad.size() + " of " + commits.get().size()
                + " commits lack a trusted signature: " + listed + (bad.size() > 5 ? ", ..." : "")
                + "; the policy requires every commit to be signed by a maintainer's key"));
    }

    /** How the change's patches differ from the approved ones; empty when they are the same (a pure rebase). */
    private static Optional<String> patchDifference(Approval approval, ChangeFacts facts) {
        if (facts.commits().isEmpty() || approval.patchIds().isEmpty()) {
            return Optional.of("its patches could not be compared with the approved ones");
        }
        var now = facts.commits().get().stream().map(CommitCheck::patchId).toList();
        var before = approval.patchIds();
        if (now.equals(before)) {
            return Optional.empty();
        }
        if (now.size() != before.size()) {
            return Optional.of("the number of patches changed from " + before.size() + " to " + now.size());
        }
        int changed = 0;
        for (int i = 0; i < now.size(); i++) {
            if (!now.get(i).equals(before.get(i))) {
                changed++;
            }
        }
        return Optional.of(changed + " of " + now.size() + (now.size() == 1 ? " patch" : " patches") + " changed");
    }

    private static String reasonUntrusted(Policy policy, PersonFacts facts, String repo) {
        return facts.person() + " does not have " + word(policy.trust().minPermission()) + " access to " + repo
                + " (" + facts.permission().reason() + ") and is not otherwise trusted by the policy";
    }

    private static String approvedBy(Approval approval) {
        return approval.approver().login();
    }

    private static String carried(Approval approval) {
        return approval.carriedFrom().isEmpty() ? ""
                : ", carried over from " + shortSha(approval.carriedFrom()) + " after a pure rebase";
    }

    private static Judgement done(List<String> trail, TrustDecision decision) {
        var all = new ArrayList<>(trail);
        all.add(decision.rule() + ": " + decision.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + " — " + decision.reason());
        return new Judgement(decision, all);
    }

    private static String word(Permission.Level level) {
        return level == Permission.Level.NONE ? "no" : level.name().toLowerCase(Locale.ROOT);
    }

    static String shortSha(String sha) {
        return sha.substring(0, Math.min(12, sha.length()));
    }
}
