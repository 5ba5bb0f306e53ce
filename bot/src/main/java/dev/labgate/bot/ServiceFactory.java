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
import dev.labgate.bot.store.JdbcSubmissionStore;
import dev.labgate.bot.store.JdbcSummaryStore;
import dev.labgate.bot.work.DbWorkQueue;
import dev.labgate.bot.work.FailedWork;
import dev.labgate.bot.work.WorkRunner;
import dev.labgate.config.Planner;
import dev.labgate.config.PolicyParser;
import dev.labgate.config.TrustRules;
import dev.labgate.core.forge.Forge;
import dev.labgate.flow.Approvals;
import dev.labgate.flow.Baselines;
import dev.labgate.flow.CommandHandler;
import dev.labgate.flow.DeliveryProcessor;
import dev.labgate.flow.FinalStatuses;
import dev.labgate.flow.Forges;
import dev.labgate.flow.KcidbSharing;
import dev.labgate.flow.KcidbSource;
import dev.labgate.flow.PolicyKnownIssues;
import dev.labgate.flow.RunAdvancer;
import dev.labgate.flow.Reconciler;
import dev.labgate.flow.RunLinks;
import dev.labgate.flow.ReviewReporter;
import dev.labgate.flow.RunVerdicts;
import dev.labgate.flow.SummaryReporter;
import dev.labgate.flow.TrustGate;
import dev.labgate.forge.git.GitChangeCommits;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.forge.gitlab.GitLabForge;
import dev.labgate.forge.gitlab.GitLabSettings;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.kcidb.submit.Pause;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Wires the library modules into the service: stores on the database, work on db-scheduler, the flow steps. */
@Factory
final class ServiceFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    Forges forges(GitHubConfig github, GitLabConfig gitlab, Clock clock) {
        var forges = new ArrayList<Forge>();
        forges.add(new GitHubForge(new GitHubSettings("github", github.apiUrl(), github.gitUrl(),
                github.webhookSecrets().orElse(List.of()), github.token().orElse(null),
                github.botLogin().orElse(null), app(github), github.rateReserve()), clock));
        gitlab.url().ifPresent(url -> forges.add(new GitLabForge(new GitLabSettings("gitlab", url,
                gitlab.gitUrl().orElse(url), gitlab.webhookTokens().orElse(List.of()), gitlab.token().orElse(null),
                gitlab.botUsername().orElse(null)), clock)));
        return new Forges(forges);
    }

    private static Optional<GitHubSettings.App> app(GitHubConfig github) {
        if (github.appId().isEmpty()) {
            return Optional.empty();
        }
        var pem = github.privateKey().or(() -> github.privateKeyFile().map(file -> {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the GitHub App private key file " + file, e);
            }
        })).orElseThrow(() -> new IllegalStateException("labgate.github.app-id is set but neither "
                + "labgate.github.private-key nor labgate.github.private-key-file is"));
        return Optional.of(new GitHubSettings.App(github.appId().get(), pem));
    }

    @Singleton
    FilePolicySource policy(LabgateSettings settings) {
        return FilePolicySource.load(settings.policy());
    }

    @Singleton
    @Bean(preDestroy = "close")
    PolicyLabs labs(FilePolicySource policy, LabgateSettings settings, RunLinks links, Clock clock) {
        return new PolicyLabs(policy, settings.dataDir(), clock, new PolicyLabs.Context(System::getenv,
                settings.publicUrl(), CallbackKey.of(settings.callbackKey(), settings.dataDir()), links::log));
    }

    /** One HTTP client for KCIDB (kcidb-ng and the dashboard): connections are pooled by it. */
    @Singleton
    @Named("kcidb")
    HttpClient kcidbHttp() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    }

    @Singleton
    KcidbSource kcidbSource(FilePolicySource policy, @Named("kcidb") HttpClient http) {
        return new KcidbSource(policy, http);
    }

    @Singleton
    RunVerdicts runVerdicts(JdbcRunStore runs, JdbcResultStore results, FilePolicySource policy, KcidbSource kcidb,
                            DbWorkQueue work, Clock clock) {
        var baselines = new Baselines(runs, results, policy, kcidb, work, clock);
        return new RunVerdicts(runs, results, baselines, new PolicyKnownIssues(policy), new VerdictAggregator());
    }

    @Singleton
    JdbcSubmissionStore submissionStore(Database db, Clock clock) {
        return new JdbcSubmissionStore(db, clock);
    }

    @Singleton
    KcidbSharing kcidbSharing(JdbcRunStore runs, JdbcResultStore results, FilePolicySource policy,
                              JdbcSubmissionStore submissions, @Named("kcidb") HttpClient http, Clock clock) {
        return new KcidbSharing(runs, results, policy, submissions, System::getenv, http, Pause.SLEEP, clock);
    }

    @Singleton
    JdbcDeliveryStore deliveryStore(Database db, Clock clock, WorkSettings work) {
        return new JdbcDeliveryStore(db, clock, work.enabled() ? JdbcDeliveryStore.KEEP_FOR_PROCESSING : 0);
    }

    @Singleton
    JdbcRunStore runStore(Database db, Clock clock, LabgateMetrics metrics) {
        return new JdbcRunStore(db, clock, metrics::moved);
    }

    @Singleton
    LabgateMetrics metrics(Provider<Database> db, Forges forges, Provider<FailedWork> failed, Clock clock) {
        return new LabgateMetrics(db::get, forges, failed::get, clock);
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
                                        PolicyLabs labs, RunLinks links, RunVerdicts verdicts, Clock clock) {
        var approvals = new Approvals(forges, policy, gate, runs, work, db, verdicts.baselines(), clock);
        var commands = new CommandHandler(policy, runs, work, db, labs, approvals);
        return new DeliveryProcessor(deliveries, forges, policy, gate, runs, work, db, labs, links, clock, commands,
                verdicts.baselines());
    }

    @Singleton
    Reconciler reconciler(Forges forges, FilePolicySource policy, JdbcRunStore runs, JdbcDeliveryStore deliveries,
                          JdbcResultStore results, RunVerdicts verdicts, DeliveryProcessor processor, RunLinks links,
                          Clock clock, ReconcileSettings settings) {
        var statuses = new FinalStatuses(runs, results, forges, policy, verdicts, links, clock);
        return new Reconciler(forges, policy, runs, deliveries, processor, statuses, clock, new Reconciler.Limits(
                settings.calls(), settings.starts(), settings.changesPerRepository(), settings.redeliveries()));
    }

    @Singleton
    RunAdvancer runAdvancer(JdbcRunStore runs, JdbcResultStore results, PolicyLabs labs, Forges forges,
                            FilePolicySource policy, DbWorkQueue work, Database db, RunVerdicts verdicts,
                            KcidbSource kcidb, RunLinks links, Clock clock) {
        return new RunAdvancer(runs, results, labs, forges, policy, work, db, verdicts, kcidb, links, clock);
    }

    @Singleton
    SummaryReporter summaryReporter(JdbcRunStore runs, JdbcSummaryStore summaries, Forges forges, Database db,
                                    FilePolicySource policies, RunVerdicts verdicts, RunLinks links) {
        return new SummaryReporter(runs, summaries, forges, policies, db, verdicts, links);
    }

    @Singleton
    ReviewReporter reviewReporter(JdbcRunStore runs, JdbcResultStore results, Forges forges,
                                  FilePolicySource policies, RunLinks links, DbWorkQueue work, RunVerdicts verdicts) {
        return new ReviewReporter(runs, results, forges, policies, links, work, verdicts.baselines());
    }

    @Singleton
    ArtifactRetention artifactRetention(FilePolicySource policy, PolicyLabs labs, Clock clock) {
        return new ArtifactRetention(policy, labs, clock);
    }

    @Singleton
    @Bean(preDestroy = "close")
    WorkRunner workRunner(Database db, WorkSettings work, DeliveryProcessor deliveries, JdbcDeliveryStore store,
                          RunAdvancer runs, SummaryReporter summaries, ReviewReporter reviews, KcidbSharing sharing,
                          Reconciler reconciler, FailedWork failed, ReconcileSettings reconcile,
                          ArtifactRetention retention, MeterRegistry metrics) {
        return new WorkRunner(db, new WorkRunner.Tuning(work.threads(), work.pollingInterval(),
                work.heartbeatInterval(), work.missedHeartbeats(), reconcile.interval()), deliveries, store, runs,
                summaries, reviews, sharing, reconciler, failed, retention, metrics);
    }

    @Singleton
    FailedWork failedWork(Database db, Clock clock) {
        var client = SchedulerClient.Builder.create(db.joiningDataSource()).serializer(new JacksonSerializer())
                .jdbcCustomization(WorkRunner.jdbcCustomization(db)).build();
        return new FailedWork(db, client, new JacksonSerializer(), clock);
    }

    @Singleton
    @Bean(preDestroy = "close")
    DeliveryIntake intake(Database db, JdbcDeliveryStore store, DbWorkQueue work, WorkSettings settings,
                          BeanProvider<DeliveryProcessor> processor, MeterRegistry metrics) {
        // Only a process that runs the work screens: one that only takes deliveries leaves all of
        // them to the processing of another.
        DeliveryIntake.Screen screen = settings.enabled() ? delivery -> processor.get().screen(delivery)
                : DeliveryIntake.Screen.NONE;
        return new DeliveryIntake(db, store, work, screen, settings.intakeQueue(), settings.intakeBatch(),
                settings.intakeLinger(), metrics);
    }
}
