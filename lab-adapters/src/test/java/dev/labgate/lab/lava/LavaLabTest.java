package dev.labgate.lab.lava;

import dev.labgate.core.event.ChangeRef;
import dev.labgate.core.event.RepoRef;
import dev.labgate.core.event.Subject;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.lab.LabException;
import dev.labgate.core.lab.LabProgress;
import dev.labgate.core.lab.LabRun;
import dev.labgate.core.lab.TreeRequest;
import dev.labgate.core.verdict.Verdict;
import dev.labgate.kcidb.VerdictAggregator;
import dev.labgate.lab.KcidbSchema;
import dev.labgate.testkit.FakeLava;
import dev.labgate.testkit.FakeLava.Case;
import dev.labgate.testkit.FileServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** LAVA end to end against a fake LAVA server on loopback that speaks REST API v0.2 and sends callbacks. */
class LavaLabTest {

    static final String TOKEN = "f00dcafe1234";
    static final byte[] KEY = "a callback key of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);
    static final String HEAD = "0123456789abcdef0123456789abcdef01234567";
    static final String CALLBACK_BASE = "https://labgate.example.org";

    /** An operator's template: a QEMU boot of the built kernel and a smoke test. */
    static final String TEMPLATE = """
            device_type: qemu
            job_name: "labgate {{ subject }} {{ commit_short }}"
            visibility: %s
            priority: {{ priority }}
            timeouts:
              job:
                minutes: 30
            context:
              arch: amd64
            actions:
            - deploy:
                to: tmpfs
                images:
                  kernel:
                    url: {{ artifacts_url }}/bzImage
                  rootfs:
                    url: {{ rootfs }}
                    compression: gz
            - boot:
                method: qemu
                media: tmpfs
                prompts: ["root@labgate:"]
            - test:
                definitions:
                - from: inline
                  name: smoke
                  path: inline/smoke.yaml
                  repository:
                    metadata:
                      format: Lava-Test Test Definition 1.0
                      name: smoke
                      description: "smoke tests for {{ commit }}"
                    run:
                      steps:
                      - lava-test-case uname --shell uname -a
            """;

    FakeLava lava;
    FileServer files;
    final TreeRequest request = new TreeRequest("run-7f3a", new Subject.Change(new ChangeRef(new RepoRef("github",
            "example-org/linux"), 12)), "https://github.com/example-org/linux.git", "refs/pull/12/head", HEAD, null,
            List.of("boot"), List.of());

    @BeforeEach
    void setUp() throws IOException {
        lava = new FakeLava(TOKEN);
        // What the jobs deploy: a worker downloads it when the job starts.
        files = new FileServer();
        files.put("/kernels/" + HEAD + "/bzImage", "a kernel".getBytes(StandardCharsets.UTF_8));
        files.put("/rootfs.ext4.gz", "a root file system".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        lava.close();
        files.close();
    }

    LavaSettings settings(String visibility) {
        return new LavaSettings(lava.url().toString(), TOKEN, TEMPLATE.formatted(visibility),
                Map.of("priority", "50", "rootfs", files.url() + "/rootfs.ext4.gz"),
                files.url() + "/kernels", CALLBACK_BASE, Duration.ofMinutes(2), null);
    }

    LavaLab lab() {
        return new LavaLab("lava", settings("personal"), KEY);
    }

    @org.junit.jupiter.api.Test
    void a_run_is_submitted_with_its_mark_and_a_callback_that_prompts_a_poll() {
        var lab = lab();
        var run = lab.submit(request);

        var job = lava.jobs().get(0);
        assertThat(run).isEqualTo(new LabRun("lava", "run-7f3a:" + job.id(), lava.url() + "/scheduler/job/" + job.id()));
        assertThat(job.parsed()).containsEntry("job_name",
                        "labgate github:example-org/linux#12 0123456789ab [labgate run run-7f3a]")
                .containsEntry("priority", 50)
                .containsEntry("metadata", Map.of("labgate_run", "run-7f3a", "labgate_commit", HEAD,
                        "labgate_subject", "github:example-org/linux#12"));
        assertThat(job.definition()).contains("url: " + files.url() + "/kernels/" + HEAD + "/bzImage");
        assertThat(job.parsed().get("notify")).isEqualTo(Map.of("criteria", Map.of("status", "finished"),
                "callbacks", List.of(Map.of("url", CALLBACK_BASE + "/callbacks/lava/run-7f3a", "method", "POST",
                        "dataset", "minimal", "content-type", "json",
                        "token", new CallbackTokens(KEY).token("run-7f3a")))));
        assertThat(lava.requests()).last().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.headers().get("Authorization")).isEqualTo("Token " + TOKEN);
        });

        assertThat(lava.start(job.id())).as("the worker found what the job deploys").isTrue();
        lava.finish(job.id(), "Complete", null, List.of(Case.job("pass", null, null),
                Case.of("lava", "auto-login-action", "pass"), Case.of("0_smoke", "uname", "pass"),
                Case.of("0_smoke", "dmesg-clean", "fail")));
        var callback = lava.callback(job.id());
        var requestsBefore = lava.requests().size();

        assertThat(lab.callback(run, callback.headers(), callback.body())).isTrue();
        assertThat(lava.requests()).as("a callback is answered without asking LAVA anything").hasSize(requestsBefore);

        var results = finished(lab.poll(run));
        assertThat(results.tests()).extracting(Test::path, Test::status).containsExactlyInAnyOrder(
                tuple("smoke.uname", Status.PASS), tuple("smoke.dmesg-clean", Status.FAIL),
                tuple("lava.login", Status.PASS));
        assertThat(results.tests()).allSatisfy(t -> {
            assertThat(t.logUrl()).isEqualTo(lava.url() + "/scheduler/job/" + job.id() + "/log_file/plain");
            assertThat(t.environment().comment()).isEqualTo("LAVA job " + job.id() + " on qemu-01");
        });
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(Verdict.Overall.FAIL);
    }

    @org.junit.jupiter.api.Test
    void a_long_job_name_is_cut_so_that_its_mark_fits_lavas_200_characters() {
        var lab = new LavaLab("lava", new LavaSettings(lava.url().toString(), TOKEN,
                TEMPLATE.formatted("personal").replace("job_name: \"labgate {{ subject }} {{ commit_short }}\"",
                        "job_name: \"" + "n".repeat(250) + "\""),
                Map.of("priority", "50", "rootfs", "https://images.example.org/rootfs.ext4.gz"),
                "https://artifacts.example.org/kernels", CALLBACK_BASE, Duration.ofMinutes(2), null), KEY);
        lab.submit(request);
        var name = (String) lava.jobs().get(0).parsed().get("job_name");
        assertThat(name).hasSize(200).startsWith("nnnn").endsWith(" [labgate run run-7f3a]");
    }

    @org.junit.jupiter.api.Test
    void the_results_of_a_job_conform_to_kcidbs_schema() {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Incomplete", "boot failed", List.of(Case.job("fail", "LAVATimeout", "login timed out"),
                Case.of("lava", "auto-login-action", "fail"), Case.of("lava", "kernel-messages", "pass"),
                new Case("0_smoke", "boot time", "pass", Map.of("set", "timing"), "3.2", "seconds"),
                Case.of("0_smoke", "uname", "unknown")));

        assertThat(KcidbSchema.violations(finished(lab.poll(run)))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_callback_sent_over_http_reaches_the_run_through_a_route_like_labgates() throws Exception {
        var settings = settings("personal");
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.start();
        var base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        var lab = new LavaLab("lava", new LavaSettings(settings.url(), TOKEN, settings.template(),
                settings.variables(), settings.artifactsUrl(), base, settings.pollInterval(), null), KEY);
        var run = lab.submit(request);
        var received = new AtomicReference<Boolean>();
        receiver.createContext("/callbacks/lava/", exchange -> {
            try (exchange) {
                var headers = new HashMap<String, String>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
                var authentic = lab.callback(run, headers, exchange.getRequestBody().readAllBytes());
                received.set(authentic);
                exchange.sendResponseHeaders(authentic ? 202 : 403, -1);
            }
        });
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Complete", null, List.of(Case.job("pass", null, null), Case.of("0_smoke", "uname", "pass")));

        try {
            assertThat(lava.sendCallback(id)).isEqualTo(202);
        } finally {
            receiver.stop(0);
        }
        assertThat(received.get()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void a_run_whose_callback_never_comes_is_finished_by_polling_every_page_of_results() {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();

        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Queued(-1));
        assertThat(lava.start(id)).isTrue();
        assertThat(lab.poll(run)).isEqualTo(new LabProgress.Running("LAVA job " + id + " running on qemu-01"));

        var cases = new ArrayList<Case>();
        cases.add(Case.job("pass", null, null));
        cases.add(Case.of("lava", "auto-login-action", "pass"));
        for (int i = 0; i < 620; i++) {
            cases.add(Case.of("1_ltp-syscalls", "case" + i, i == 600 ? "fail" : "pass"));
        }
        cases.add(new Case("2_perf", "boot-time", "pass", Map.of("set", "timing"), "12.5000000000", "seconds"));
        lava.finish(id, "Complete", null, cases);

        var results = finished(lab.poll(run));

        assertThat(results.tests()).hasSize(622);
        assertThat(results.tests()).filteredOn(t -> t.status() == Status.FAIL).extracting(Test::path)
                .containsExactly("ltp-syscalls.case600");
        assertThat(results.tests()).filteredOn(t -> t.path().equals("perf.timing.boot-time")).singleElement()
                .satisfies(t -> {
                    assertThat(t.number().value()).isEqualTo(new BigDecimal("12.5000000000"));
                    assertThat(t.number().unit()).isEqualTo("seconds");
                });
        assertThat(lava.requests()).filteredOn(r -> r.path().endsWith("/tests/")).hasSize(2);
    }

    static Stream<Arguments> lavaSuite() {
        return Stream.of(
                Arguments.of("an infrastructure failure is an error of the lab, not of the code", "Incomplete",
                        List.of(Case.job("fail", "Infrastructure", "Unable to download the kernel"),
                                Case.of("lava", "http-download", "fail")),
                        List.of(tuple("lava.job", Status.ERROR)), Verdict.Overall.INFRA_ERROR),
                Arguments.of("a boot that broke on infrastructure is an error, not a kernel that does not boot",
                        "Incomplete", List.of(Case.job("fail", "Infrastructure", "PDU did not answer"),
                                Case.of("lava", "auto-login-action", "fail")),
                        List.of(tuple("lava.login", Status.ERROR), tuple("lava.job", Status.ERROR)),
                        Verdict.Overall.INFRA_ERROR),
                Arguments.of("a kernel that never reaches a login prompt fails the code", "Incomplete",
                        List.of(Case.job("fail", "LAVATimeout", "auto-login-action timed out"),
                                Case.of("lava", "auto-login-action", "fail")),
                        List.of(tuple("lava.login", Status.FAIL), tuple("lava.job", Status.ERROR)),
                        Verdict.Overall.FAIL),
                Arguments.of("one successful login among retried boots is a boot", "Complete",
                        List.of(Case.job("pass", null, null), Case.of("lava", "auto-login-action", "fail"),
                                Case.of("lava", "auto-login-action", "pass")),
                        List.of(tuple("lava.login", Status.PASS)), Verdict.Overall.PASS),
                Arguments.of("a panic in the kernel messages fails the code", "Complete",
                        List.of(Case.job("pass", null, null), Case.of("lava", "kernel-messages", "fail")),
                        List.of(tuple("lava.kernel-messages", Status.FAIL)), Verdict.Overall.FAIL),
                Arguments.of("a job definition LAVA could not run is a missed test, not a failure", "Incomplete",
                        List.of(Case.job("fail", "Job", "invalid deploy method")),
                        List.of(tuple("lava.job", Status.MISS)), Verdict.Overall.INFRA_ERROR),
                Arguments.of("a cancelled job is an error", "Canceled", List.of(Case.job("fail", "Canceled",
                                "Canceled by admin")),
                        List.of(tuple("lava.job", Status.ERROR)), Verdict.Overall.INFRA_ERROR),
                Arguments.of("a test case with an unknown outcome is an error", "Complete",
                        List.of(Case.job("pass", null, null), Case.of("0_smoke", "uname", "unknown")),
                        List.of(tuple("smoke.uname", Status.ERROR)), Verdict.Overall.INFRA_ERROR));
    }

    @org.junit.jupiter.api.Test
    void a_kernel_that_broke_on_the_board_says_so_in_its_own_words() {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Complete", null, List.of(Case.job("pass", null, null),
                Case.of("lava", "auto-login-action", "pass"), Case.of("lava", "kernel-messages", "fail"),
                Case.of("0_smoke", "uname", "pass")), List.of(
                "[    0.000000] Booting Linux on physical CPU 0x0",
                "[    2.310000] BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "[    2.310100] RIP: 0010:demo_probe+0x12/0x40",
                "[    2.310200] ---[ end trace 0000000000000000 ]---",
                "root@qemu:~#"));

        var results = finished(lab.poll(run));

        assertThat(results.tests()).filteredOn(t -> t.status() == Status.FAIL).singleElement().satisfies(t -> {
            assertThat(t.path()).isEqualTo("lava.kernel-messages");
            assertThat(t.logExcerpt()).startsWith("[    2.310000] BUG: kernel NULL pointer dereference")
                    .contains("RIP: 0010:demo_probe+0x12/0x40").contains("---[ end trace")
                    .doesNotContain("Booting Linux");
        });
        assertThat(new VerdictAggregator().aggregate(results).headline()).startsWith("1 failure not compared "
                + "(no baseline): lava.kernel-messages: BUG: kernel NULL pointer dereference");
        assertThat(lava.requests()).filteredOn(r -> r.path().endsWith("/logs/")).singleElement()
                .satisfies(r -> assertThat(r.headers()).containsKey("Authorization"));
    }

    @org.junit.jupiter.api.Test
    void a_job_without_a_log_keeps_its_results_as_they_are() {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Complete", null, List.of(Case.job("pass", null, null), Case.of("0_smoke", "uname", "fail")));

        var results = finished(lab.poll(run));

        assertThat(results.tests()).filteredOn(t -> t.status() == Status.FAIL).extracting(Test::path)
                .containsExactly("smoke.uname");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lavaSuite")
    void the_lava_suite_says_whether_the_lab_or_the_code_broke(String sentence, String health, List<Case> cases,
                                                               List<org.assertj.core.groups.Tuple> expected,
                                                               Verdict.Overall overall) {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, health, "failure comment", cases);

        var results = finished(lab.poll(run));
        assertThat(results.tests()).extracting(Test::path, Test::status).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(new VerdictAggregator().aggregate(results).overall()).isEqualTo(overall);
    }

    static Stream<Arguments> callbacks() {
        var right = new CallbackTokens(KEY).token("run-7f3a");
        return Stream.of(
                Arguments.of("a callback without a token is ignored", Map.of(), true),
                Arguments.of("a callback with another run's token is ignored",
                        Map.of("Authorization", new CallbackTokens(KEY).token("run-other")), true),
                Arguments.of("a callback with a token made under another key is ignored",
                        Map.of("Authorization", new CallbackTokens(new byte[40]).token("run-7f3a")), true),
                Arguments.of("a callback about another job is ignored even with the right token",
                        Map.of("Authorization", right, "X-Other-Job", "yes"), true),
                Arguments.of("a callback with the right token is taken whatever the header's case",
                        Map.of("authorization", right), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callbacks")
    void only_the_runs_own_token_is_accepted(String sentence, Map<String, String> headers, boolean ignored)
            throws IOException {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Complete", null, List.of(Case.job("pass", null, null), Case.of("0_smoke", "uname", "pass")));
        var body = lava.callback(id).body();
        if (headers.containsKey("X-Other-Job")) {
            body = new String(body, StandardCharsets.UTF_8).replace("\"id\":" + id + ",", "\"id\":1,")
                    .getBytes(StandardCharsets.UTF_8);
        }

        assertThat(lab.callback(run, headers, body)).isEqualTo(!ignored);
    }

    @ParameterizedTest(name = "a {0} job's callback body is never taken for its results")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"public", "{group: [kernel-maintainers]}", "personal"})
    void whoever_may_view_the_job_could_read_its_token(String visibility) {
        var lab = new LavaLab("lava", settings(visibility), KEY);
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Incomplete", null, List.of(Case.job("fail", "Infrastructure", "no power")));
        var callback = lava.callback(id);
        var rewritten = new String(callback.body(), StandardCharsets.UTF_8).replace("Incomplete", "Complete")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(lab.callback(run, callback.headers(), rewritten)).as("the token is the run's").isTrue();

        assertThat(finished(lab.poll(run)).tests()).extracting(Test::path, Test::status)
                .containsExactly(tuple("lava.job", Status.ERROR));
    }

    @org.junit.jupiter.api.Test
    void submitting_again_follows_the_unfinished_job_and_a_retry_after_it_finished_submits_anew() {
        var lab = lab();
        var first = lab.submit(request);
        assertThat(lab.submit(request)).isEqualTo(first);
        assertThat(lava.jobs()).hasSize(1);

        lava.finish(lava.jobs().get(0).id(), "Incomplete", null, List.of(Case.job("fail", "Infrastructure", "x")));
        var retry = lab.submit(request);

        assertThat(retry).isNotEqualTo(first);
        assertThat(lava.jobs()).hasSize(2);
    }

    @ParameterizedTest(name = "LAVA {0}: a repeated submit follows the run's unfinished job among others")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"2026.07", "main"})
    void the_duplicate_guard_works_on_released_lava_and_on_main(String version) {
        if (version.equals("main")) {
            lava.likeMain();
        }
        var lab = lab();
        lab.submit(new TreeRequest("run-other", request.subject(), request.cloneUrl(), request.fetchRef(), HEAD, null,
                List.of(), List.of()));
        var first = lab.submit(request);
        lab.submit(new TreeRequest("run-7f3a0", request.subject(), request.cloneUrl(), request.fetchRef(), HEAD, null,
                List.of(), List.of()));

        assertThat(lab.submit(request)).as("a replica died after the POST, or its answer was lost").isEqualTo(first);
        assertThat(lava.jobs()).hasSize(3);
        assertThat(lava.requests()).filteredOn(r -> r.method().equals("GET") && r.path().equals("/api/v0.2/jobs/"))
                .allSatisfy(r -> assertThat(r.query()).contains("description__contains=")
                        .contains("state__in=Submitted,Scheduling,Scheduled,Running,Canceling").doesNotContain("metadata__"));
    }

    @org.junit.jupiter.api.Test
    void a_new_lab_instance_takes_the_callback_and_polls_a_run_that_an_earlier_one_submitted() {
        var run = lab().submit(request);
        var id = lava.jobs().get(0).id();
        lava.finish(id, "Complete", null, List.of(Case.job("pass", null, null), Case.of("0_smoke", "uname", "pass")));
        var restarted = lab();
        var stored = new LabRun(run.lab(), run.externalId(), run.url());

        assertThat(restarted.callback(stored, lava.callback(id).headers(), lava.callback(id).body())).isTrue();
        assertThat(finished(restarted.poll(stored)).tests()).extracting(Test::path, Test::status)
                .containsExactly(tuple("smoke.uname", Status.PASS));
    }

    @org.junit.jupiter.api.Test
    void cancel_asks_lava_to_cancel_the_job_and_a_vanished_job_is_lost() {
        var lab = lab();
        var run = lab.submit(request);
        var id = lava.jobs().get(0).id();

        lab.cancel(run);

        assertThat(lava.job(id).state()).isEqualTo("Canceling");
        assertThat(lab.poll(new LabRun("lava", "run-7f3a:999", null))).isEqualTo(new LabProgress.Lost(
                "LAVA has no job 999"));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a token LAVA does not know is explained and not retried", "wrong-token", null,
                        "LAVA refused labgate's token when asked to list jobs (HTTP 401 Invalid token.)", false),
                Arguments.of("a definition LAVA rejects is explained and not retried", TOKEN,
                        TEMPLATE.replace("visibility: %s\n", ""),
                        "LAVA rejected the job definition (HTTP 400 Problem with submitted job data: required key not "
                                + "provided @ data['visibility'])", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void lava_refuses(String sentence, String token, String template, String message, boolean retryable) {
        var base = settings("personal");
        var lab = new LavaLab("lava", new LavaSettings(base.url(), token, template == null ? base.template() : template,
                base.variables(), base.artifactsUrl(), base.callbackBaseUrl(), base.pollInterval(), null), KEY);

        assertThatThrownBy(() -> lab.submit(request)).isInstanceOfSatisfying(LabException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.retryable()).isEqualTo(retryable);
        });
    }

    @org.junit.jupiter.api.Test
    void an_outage_of_lava_is_worth_another_try() {
        var lab = lab();
        lava.failNext(1, 503);

        assertThatThrownBy(() -> lab.submit(request)).isInstanceOfSatisfying(LabException.class,
                e -> assertThat(e.retryable()).isTrue());
    }

    static Stream<Arguments> badTemplates() {
        return Stream.of(
                Arguments.of("a placeholder labgate does not know", TEMPLATE.replace("{{ rootfs }}", "{{ rootfs_url }}"),
                        Map.of("priority", "50", "rootfs", "x"), "job template uses {{ rootfs_url }}, which labgate "
                                + "does not know"),
                Arguments.of("a variable that hides labgate's own value", TEMPLATE,
                        Map.of("priority", "50", "rootfs", "x", "commit", "0000"),
                        "template variable 'commit' would hide labgate's own value"),
                Arguments.of("a Jinja statement", "{% if x %}\n" + TEMPLATE, Map.of("priority", "50", "rootfs", "x"),
                        "job template line 1: '{%' starts a Jinja statement"),
                Arguments.of("an operator's value that cannot be written where it is used",
                        TEMPLATE.replace("url: {{ rootfs }}", "url: {{ rootfs }}/latest"),
                        Map.of("priority", "50", "rootfs", "https://images.example.org/rootfs.gz\nactions: []"),
                        "line 17: the value of {{ rootfs }} cannot go inside an unquoted value"),
                Arguments.of("a template that is not a job once filled", "job_name: x\n",
                        Map.of(), "is not a LAVA job definition (a mapping with job_name and actions)"));
    }

    @ParameterizedTest(name = "{0} is refused when the lab is built")
    @MethodSource("badTemplates")
    void templates_that_cannot_work_are_refused_up_front(String sentence, String template,
                                                          Map<String, String> variables, String message) {
        var base = settings("personal");
        var settings = new LavaSettings(base.url(), TOKEN, template.replace("%s", "personal"), variables,
                base.artifactsUrl(), base.callbackBaseUrl(), base.pollInterval(), null);

        assertThatThrownBy(() -> new LavaLab("lava", settings, KEY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThat(lava.requests()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_value_of_the_run_that_cannot_be_written_safely_refuses_the_run_and_sends_nothing() {
        var base = settings("personal");
        var lab = new LavaLab("lava", new LavaSettings(base.url(), TOKEN,
                base.template().replace("url: {{ rootfs }}", "url: {{ rootfs }}/{{ subject }}"), base.variables(),
                base.artifactsUrl(), base.callbackBaseUrl(), base.pollInterval(), null), KEY);

        assertThatThrownBy(() -> lab.submit(request)).isInstanceOfSatisfying(LabException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("cannot write the LAVA job for this change: line 17: the value of "
                    + "{{ subject }} cannot go inside an unquoted value; put that value in double quotes in the "
                    + "template");
            assertThat(e.retryable()).isFalse();
        });
        assertThat(lava.requests()).noneMatch(r -> r.method().equals("POST"));
    }

    private static KcidbData finished(LabProgress progress) {
        assertThat(progress).isInstanceOf(LabProgress.Finished.class);
        return ((LabProgress.Finished) progress).results();
    }
}
