package dev.labgate.bot;

import dev.labgate.bot.work.WorkRunner;
import dev.labgate.flow.Forges;
import dev.labgate.lab.sandbox.SandboxSetup;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Once the server listens: start the durable work, and tell the operator where everything is.
 *
 * <p>Both happen on a thread of their own, after the server is ready: a delivery needs only the
 * database to be stored, which is ready before the server listens, while starting the work
 * (building the processing beans) and checking each command lab's sandbox (running bubblewrap)
 * took about 0.6 s of the start ({@link StartThread}).
 */
@Singleton
final class Startup implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

    private final Forges forges;
    private final FilePolicySource policy;
    private final GitHubConfig github;
    private final GitLabConfig gitlab;
    private final ReconcileSettings reconcile;
    private final LabgateSettings settings;
    private final DatabaseSettings database;
    private final WorkSettings work;
    private final Provider<WorkRunner> runner;
    private final PolicyLabs labs;
    private final LabgateMetrics metrics;
    private final StartThread thread;

    Startup(Forges forges, FilePolicySource policy, GitHubConfig github, GitLabConfig gitlab,
            ReconcileSettings reconcile, LabgateSettings settings, DatabaseSettings database, WorkSettings work,
            Provider<WorkRunner> runner, PolicyLabs labs, LabgateMetrics metrics, StartThread thread) {
        this.labs = labs;
        this.thread = thread;
        this.metrics = metrics;
        this.forges = forges;
        this.policy = policy;
        this.github = github;
        this.gitlab = gitlab;
        this.reconcile = reconcile;
        this.settings = settings;
        this.database = database;
        this.work = work;
        this.runner = runner;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        var base = event.getSource().getURL().toString();
        LOG.info("labgate {} is listening on {}", Version.current(), base);
        noteAddress(base);
        thread.run(() -> start(base));
    }

    private void start(String base) {
        metrics.bindLabs();
        if (work.enabled()) {
            runner.get().start();
            if (reconcile.atStart()) {
                runner.get().reconcileSoon();
            }
        } else {
            LOG.info("durable work is disabled on this process (labgate.work.enabled=false): deliveries are stored only");
        }
        var p = policy.current();
        for (var forge : forges.all()) {
            LOG.info("webhook endpoint for {}: POST {}/webhooks/{}", forge.name(), base, forge.name());
        }
        var secrets = github.webhookSecrets().map(List::size).orElse(0);
        if (secrets == 0) {
            LOG.warn("no GitHub webhook secret is configured (LABGATE_GITHUB_WEBHOOK_SECRETS): every GitHub delivery "
                    + "will be refused with 401");
        } else {
            LOG.info("GitHub: {} webhook secret(s), API {}, {}", secrets, github.apiUrl(), github.appId()
                    .map(id -> "as GitHub App " + id + " (check runs)")
                    .orElse(github.token().isPresent() ? "token set" : "no token (API calls will be anonymous)"));
        }
        gitlab.url().ifPresent(url -> {
            var tokens = gitlab.webhookTokens().map(List::size).orElse(0);
            if (tokens == 0) {
                LOG.warn("no GitLab webhook token is configured (LABGATE_GITLAB_WEBHOOK_TOKENS): every GitLab delivery "
                        + "will be refused with 401");
            } else {
                LOG.info("GitLab: {} webhook token(s), instance {}, API token {}", tokens, url,
                        gitlab.token().isPresent() ? "set" : "not set (API calls will be anonymous)");
            }
        });
        LOG.info("reconciler: every {}{}", reconcile.interval().toString().substring(2).toLowerCase(Locale.ROOT),
                reconcile.atStart() ? ", and now" : "");
        LOG.info("policy: {} (version {})", policy.where(), p.version());
        LOG.info("repositories: {}", p.repositories().isEmpty() ? "none"
                : p.repositories().stream().map(r -> r.forge() + ":" + r.name()).collect(Collectors.joining(", ")));
        LOG.info("labs: {}", p.labs().isEmpty() ? "none" : p.labs().values().stream()
                .map(l -> l.name() + " (" + l.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ")")
                .collect(Collectors.joining(", ")));
        labs.problems().forEach(problem -> LOG.warn("{}; its runs will end with this reason until the policy is "
                + "fixed ('labgate config check' shows the same)", problem));
        // Every start, so that a lab that runs a change's code without a sandbox is never missed.
        for (var lab : p.labs().keySet()) {
            labs.sandbox(lab).filter(SandboxSetup.Ready.class::isInstance).map(setup -> SandboxReport.of(lab, setup))
                    .ifPresent(report -> {
                        if (report.level() == SandboxReport.Level.WARNING) {
                            LOG.warn(report.text());
                        } else {
                            LOG.info(report.text());
                        }
                    });
        }
        LOG.info("data: {} ({})", settings.dataDir().toAbsolutePath().normalize(), database.url()
                .map(DatabaseFactory::describe).orElse("embedded H2 database in this directory"));
        LOG.info("runs: {}/runs, labs: {}/labs (the same as JSON under {}/api)", base, base, base);
        LOG.info("health: {}/health, metrics: {}/prometheus", base, base);
    }

    /** Where 'labgate replay' finds this service when started from the same data directory. */
    private void noteAddress(String base) {
        var file = settings.dataDir().resolve(LabgateSettings.ADDRESS_FILE);
        try {
            Files.createDirectories(settings.dataDir());
            Files.writeString(file, base + "\n");
        } catch (IOException e) {
            LOG.warn("cannot note this service's address in {}: {}", file, e.getMessage());
        }
    }
}
