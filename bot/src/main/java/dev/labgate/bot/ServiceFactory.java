package dev.labgate.bot;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import dev.labgate.bot.intake.DeliveryIntake;
import dev.labgate.bot.store.Database;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcAuditLog;
import dev.labgate.bot.store.JdbcDeliveryStore;
import dev.labgate.bot.store.JdbcQuotaCounts;
import dev.labgate.bot.store.JdbcResultStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.bot.store.JdbcSummaryStore;
import dev.labgate.bot.work.DbWorkQueue;
import dev.labgate.bot.work.WorkRunner;
import dev.labgate.config.Planner;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.TrustRules;
import dev.labgate.core.forge.Forge;
import dev.labgate.flow.Approvals;
import dev.labgate.flow.DeliveryProcessor;
import dev.labgate.flow.Forges;
import dev.labgate.flow.RunAdvancer;
import dev.labgate.flow.RunLinks;
import dev.labgate.flow.SummaryReporter;
import dev.labgate.flow.TrustGate;
import dev.labgate.forge.git.GitChangeCommits;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.kcidb.VerdictAggregator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;

/** Wires the library modules into the service: stores on the database, work on db-scheduler, the flow steps. */
@Factory
final class ServiceFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    Forges forges(GitHubConfig github) {
        List<Forge> forges = List.of(new GitHubForge(new GitHubSettings("github", github.apiUrl(), github.gitUrl(),
                github.webhookSecrets().orElse(List.of()), github.token().orElse(null),
                github.botLogin().orElse(null))));
        return new Forges(forges);
    }

    @Singleton
    FilePolicySource policy(LabgateSettings settings) {
        return FilePolicySource.load(settings.policy());
    }

    @Singleton
    @Bean(preDestroy = "close")
    PolicyLabs labs(FilePolicySource policy, LabgateSettings settings, Clock clock) {
        return new PolicyLabs(policy, settings.dataDir(), clock);
    }

    @Singleton
    JdbcDeliveryStore deliveryStore(Database db, Clock clock) {
        return new JdbcDeliveryStore(db, clock);
    }

    @Singleton
    JdbcRunStore runStore(Database db, Clock clock) {
        return new JdbcRunStore(db, clock);
    }

    @Singleton
    JdbcResultStore resultStore(Database db, Clock clock) {
        return new JdbcResultStore(db, clock);
    }

    @Singleton
    JdbcSummaryStore summaryStore(Database db, Clock clock) {
        return new JdbcSummaryStore(db, clock);
    }

    @Singleton
    DbWorkQueue workQueue(Database db, Clock clock, Provider<WorkRunner> runner, WorkSettings work) {
        var client = SchedulerClient.Builder.create(db.joiningDataSource()).serializer(new JacksonSerializer())
                .jdbcCustomization(WorkRunner.jdbcCustomization(db)).build();
        Runnable wakeUp = work.enabled() ? () -> runner.get().wakeUp() : () -> { };
        return new DbWorkQueue(client, db, clock, wakeUp);
    }

    @Singleton
    RunLinks links(LabgateSettings settings) {
        return new RunLinks(settings.publicUrl());
    }

    @Singleton
    JdbcApprovalStore approvalStore(Database db) {
        return new JdbcApprovalStore(db);
    }

    @Singleton
    JdbcAuditLog auditLog(Database db) {
        return new JdbcAuditLog(db);
    }

    @Singleton
    TrustGate trustGate(JdbcApprovalStore approvals, JdbcAuditLog audit, Database db, LabgateSettings settings,
                        Clock clock) {
        var trust = settings.dataDir().resolve("trust");
        return new TrustGate(new TrustRules(), new Planner(), new PolicyParser(), approvals, audit,
                new JdbcQuotaCounts(db), new GitChangeCommits(trust.resolve("git"), trust.resolve("keys"), clock),
                clock);
    }

    @Singleton
    DeliveryProcessor deliveryProcessor(JdbcDeliveryStore deliveries, Forges forges, FilePolicySource policy,
                                        TrustGate gate, JdbcRunStore runs, DbWorkQueue work, Database db,
                                        PolicyLabs labs, RunLinks links, Clock clock) {
        return new DeliveryProcessor(deliveries, forges, policy, gate, runs, work, db, labs, links, clock);
    }

    /** The {@code /labgate ok-to-test} step, for the command handler to call. */
    @Singleton
    Approvals approvals(Forges forges, FilePolicySource policy, TrustGate gate, JdbcRunStore runs, DbWorkQueue work,
                        Database db, Clock clock) {
        return new Approvals(forges, policy, gate, runs, work, db, clock);
    }

    @Singleton
    RunAdvancer runAdvancer(JdbcRunStore runs, JdbcResultStore results, PolicyLabs labs, Forges forges,
                            FilePolicySource policy, DbWorkQueue work, Database db, RunLinks links, Clock clock) {
        return new RunAdvancer(runs, results, labs, forges, policy, work, db, new VerdictAggregator(), links, clock);
    }

    @Singleton
    SummaryReporter summaryReporter(JdbcRunStore runs, JdbcResultStore results, JdbcSummaryStore summaries,
                                    Forges forges, Database db, RunLinks links) {
        return new SummaryReporter(runs, results, summaries, forges, db, new VerdictAggregator(), links);
    }

    @Singleton
    @Bean(preDestroy = "close")
    WorkRunner workRunner(Database db, WorkSettings work, DeliveryProcessor deliveries, JdbcDeliveryStore store,
                          RunAdvancer runs, SummaryReporter summaries, MeterRegistry metrics) {
        return new WorkRunner(db, new WorkRunner.Tuning(work.threads(), work.pollingInterval(),
                work.heartbeatInterval()), deliveries, store, runs, summaries, metrics);
    }

    @Singleton
    @Bean(preDestroy = "close")
    DeliveryIntake intake(Database db, JdbcDeliveryStore store, DbWorkQueue work, WorkSettings settings,
                          MeterRegistry metrics) {
        return new DeliveryIntake(db, store, work, settings.intakeQueue(), settings.intakeBatch(),
                settings.intakeLinger(), metrics);
    }
}
