package dev.labgate.flow;

import dev.labgate.config.Planner;
import dev.labgate.config.Policy;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.PolicySource;
import dev.labgate.config.TrustRules;
import dev.labgate.core.event.Delivery;
import dev.labgate.core.event.DeliveryKey;
import dev.labgate.core.forge.Forge;
import dev.labgate.core.forge.ForgeException;
import dev.labgate.core.forge.WebhookCheck;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.core.run.Run;
import dev.labgate.core.run.RunState;
import dev.labgate.core.store.Work;
import dev.labgate.core.store.WorkQueue;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.MemoryStores;
import dev.labgate.testkit.TestClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The whole flow in one thread over in-memory stores, a scripted lab and a real forge adapter
 * talking to a fake forge. Durable work is a queue served in time order on a clock the world moves
 * forward, with the bot's retry policy: a retryable forge fault runs again after the forge's wait (or
 * the policy's backoff), so the outcome of a scenario does not depend on real time passing.
 */
final class FlowWorld {

    static final String SECRET = "webhook-secret";

    private record Item(Work work, Instant at, long order) {
    }

    final TestClock clock;
    final MemoryStores stores;
    final MemorySubmissions submissions = new MemorySubmissions();
    final ScriptedLab lab;
    private final Map<String, ScriptedLab> labs = new LinkedHashMap<>();
    final FakeForge fake;
    final Forge forge;
    final Policy policy;
    final DeliveryProcessor processor;
    final RunAdvancer advancer;
    final SummaryReporter reporter;
    final ReviewReporter reviewer;
    final KcidbSharing sharing;
    final RunVerdicts verdicts;
    final Reconciler reconciler;
    /** The environment the service reads secrets from (the KCIDB token). */
    final Map<String, String> environment = new LinkedHashMap<>();
    final List<String> faults = new ArrayList<>();
    private final Map<String, Item> queue = new LinkedHashMap<>();
    private long order;
    private int deliveries;

    /**
     * A world on {@code clock}, which the forge adapter must also use (its rate budget waits on it),
     * whose one lab takes no baseline: the scenarios that are not about the baseline stay about one run.
     */
    FlowWorld(TestClock clock, FakeForge fake, Forge forge) {
        this(clock, fake, forge, oneLab("baseline: none"), "");
    }

    /**
     * A world whose policy has these {@code labs:} and {@code plans:} sections; each lab is a
     * scripted lab of that name, and {@link #lab} the lab of the first plan.
     */
    FlowWorld(TestClock clock, FakeForge fake, Forge forge, String labsAndPlans) {
        this(clock, fake, forge, labsAndPlans, "");
    }

    /** As {@link #FlowWorld(TestClock, FakeForge, Forge, String)}, with {@code more} of the policy at its top level. */
    FlowWorld(TestClock clock, FakeForge fake, Forge forge, String labsAndPlans, String more) {
        this.clock = clock;
        this.stores = new MemoryStores(clock);
        this.fake = fake;
        this.forge = forge;
        policy = new PolicyParser().parse("""
                repositories:
                  - %s: acme/linux
                    staging-branches: [staging]
                trust:
                  min-permission: write
                %s
                quotas:
                  retests-per-head: 1
                known-issues:
                  - id: rtc-alarm
                    test-path: '^known\\.'
                    description: the lab's RTC has no alarm
                %s
                """.formatted(forge.name(), labsAndPlans, more)).policy().orElseThrow();
        policy.labs().keySet().forEach(name -> this.labs.put(name, new ScriptedLab(name)));
        this.lab = this.labs.get(policy.plans().get(0).lab());
        PolicySource policies = () -> policy;
        var forges = new Forges(List.of(forge));
        Labs labs = name -> Optional.ofNullable(this.labs.get(name));
        var links = new RunLinks(Optional.of("https://labgate.example"));
        WorkQueue work = new WorkQueue() {
            @Override
            public void enqueue(Work item, Instant notBefore) {
                queue.putIfAbsent(key(item), new Item(item, notBefore, order++));
            }

            @Override
            public void reschedule(Work item, Instant at) {
                queue.put(key(item), new Item(item, at, order++));
            }
        };
        // Approvals, the audit and quotas are the trust flow's concern (TrustFlowTest); here they only need a place.
        var gate = new TrustGate(new TrustRules(), new Planner(), new PolicyParser(), stores.trust, stores.trust,
                stores.trust, (range, keys) -> List.of(), clock);
        verdicts = Verdicts.of(stores.runs, stores.results, policies, work, clock);
        var approvals = new Approvals(forges, policies, gate, stores.runs, work, stores.transactions,
                verdicts.baselines(), clock);
        var commands = new CommandHandler(policies, stores.runs, work, stores.transactions, labs, approvals);
        processor = new DeliveryProcessor(stores.deliveries, forges, policies, gate, stores.runs, work,
                stores.transactions, labs, links, clock, commands, verdicts.baselines());
        advancer = new RunAdvancer(stores.runs, stores.results, labs, forges, policies, work, stores.transactions,
                verdicts, new KcidbSource(policies, Verdicts.HTTP), links, clock);
        reporter = new SummaryReporter(stores.runs, stores.summaries, forges, policies, stores.transactions, verdicts,
                links);
        reviewer = new ReviewReporter(stores.runs, stores.results, forges, policies, links, work, verdicts.baselines());
        sharing = new KcidbSharing(stores.runs, stores.results, policies, submissions, environment::get,
                Verdicts.HTTP, duration -> { }, clock);
        reconciler = new Reconciler(forges, policies, stores.runs, stores.deliveries, processor,
                new FinalStatuses(stores.runs, stores.results, forges, policies, verdicts, links, clock), clock,
                new Reconciler.Limits(50, 10, 50, 10));
    }

    /** The labs and plans of a world with one command lab {@code lab}, with these settings of it (one line). */
    static String oneLab(String settings) {
        return """
                labs:
                  lab:
                    type: command
                    command: 'true'
                    timeout: 1h
                    %s
                plans:
                  - name: smoke
                    lab: lab
                """.formatted(settings);
    }

    /** Kinds of work may share an id (a run is advanced and shared): the queue keeps them apart. */
    private static String key(Work work) {
        return work.getClass().getSimpleName() + ":" + work.id();
    }

    /** A delivery reaches labgate's intake: checked by the adapter, stored, queued; returns its key. */
    DeliveryKey deliver(FakeForge.Delivery delivery) {
        var received = received(delivery);
        if (stores.deliveries.store(received)) {
            var work = new Work.ProcessDelivery(received.key());
            queue.put(key(work), new Item(work, clock.instant(), order++));
        }
        return received.key();
    }

    /** A delivery as the intake has it once the adapter checked it, not stored. */
    Delivery received(FakeForge.Delivery delivery) {
        var id = "00000000-0000-4000-8000-" + String.format("%012d", ++deliveries);
        var check = forge.verify(fake.deliveryHeaders(delivery, id, SECRET), delivery.body());
        if (!(check instanceof WebhookCheck.Accepted accepted)) {
            throw new AssertionError("the adapter refused a delivery its forge would send: " + check);
        }
        return new Delivery(accepted.key(), accepted.event(), delivery.body(), clock.instant());
    }

    /** Does the work that is due, moving the clock to the next due work, until nothing is left but waiting on the lab. */
    void settle() {
        runUntil(() -> false);
    }

    /** Like {@link #settle()}, but stops as soon as {@code done} holds. */
    void runUntil(BooleanSupplier done) {
        for (int step = 0; step < 2_000; step++) {
            if (done.getAsBoolean()) {
                return;
            }
            var next = queue.values().stream().filter(i -> !waitingOnLab(i.work()))
                    .min(Comparator.comparing(Item::at).thenComparing(Item::order));
            if (next.isEmpty()) {
                return;
            }
            queue.remove(key(next.get().work()));
            if (next.get().at().isAfter(clock.instant())) {
                clock.set(next.get().at());
            }
            clock.advance(Duration.ofMillis(1));
            run(next.get());
        }
        throw new AssertionError("the flow did not settle in 2,000 steps: " + queue.keySet());
    }

    /** The scripted lab of that name in the policy. */
    ScriptedLab lab(String name) {
        return Optional.ofNullable(labs.get(name)).orElseThrow(() -> new IllegalArgumentException("no lab " + name));
    }

    /** Work that only the lab can move on: a run the lab has not finished, or one whose base the lab has not. */
    private boolean waitingOnLab(Work work) {
        if (!(work instanceof Work.AdvanceRun advance)) {
            return false;
        }
        var found = stores.runs.find(advance.runId());
        if (found.isEmpty()) {
            return false;
        }
        var run = found.get();
        if (run.state() == RunState.WAITING) {
            return stageBeforeUnfinished(run);
        }
        if (run.state() != RunState.SUBMITTED && run.state() != RunState.RUNNING) {
            return false;
        }
        if (lab(run.lab()).unfinished(run.id())) {
            return true;
        }
        // Once it has said so, a run whose base is still at the lab waits for the base's end to wake it.
        return run.note().startsWith("Finished; waiting for the base") && verdicts.baselines().of(run)
                instanceof Baselines.Pending pending && lab(pending.base().lab()).unfinished(pending.base().id());
    }

    /** A later stage waits (its step would only look again) while the run it comes after has not ended. */
    private boolean stageBeforeUnfinished(Run run) {
        return stores.runs.forHead(run.subject().key(), run.headSha()).stream()
                .anyMatch(r -> r.round() == run.round() && run.after().filter(r.lab()::equals).isPresent()
                        && !r.state().isTerminal());
    }

    private void run(Item item) {
        var work = item.work();
        try {
            if (work instanceof Work.ProcessDelivery delivery) {
                stores.deliveries.markProcessed(delivery.delivery(), processor.process(delivery.delivery()));
            } else if (work instanceof Work.AdvanceRun advance) {
                if (advancer.advance(advance.runId()) instanceof Next.Again again) {
                    queue.putIfAbsent(key(work), new Item(work, again.at(), order++));
                }
            } else if (work instanceof Work.ShareResults share) {
                if (sharing.share(share.runId()) instanceof Next.Again again) {
                    queue.putIfAbsent(key(work), new Item(work, again.at(), order++));
                }
            } else if (work instanceof Work.ReviewHead review) {
                reviewer.review(review.subject(), review.headSha());
            } else {
                var report = (Work.Report) work;
                reporter.report(report.subject(), report.headSha());
                reviewer.report(report.subject(), report.headSha());
            }
        } catch (ForgeException e) {
            if (!e.retryable()) {
                faults.add(work.id() + ": " + e.getMessage());
                return;
            }
            var wait = RetryPolicy.OUTSIDE_CALLS.next(1, e.retryAfter());
            queue.putIfAbsent(key(work), new Item(work, clock.instant().plus(wait), order++));
        }
    }
}
