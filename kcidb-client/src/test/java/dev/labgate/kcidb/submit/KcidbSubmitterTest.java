package dev.labgate.kcidb.submit;

import dev.labgate.core.kcidb.Build;
import dev.labgate.core.kcidb.Checkout;
import dev.labgate.core.kcidb.KcidbData;
import dev.labgate.core.kcidb.Status;
import dev.labgate.core.kcidb.Test;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.testkit.FakeKcidbNg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KcidbSubmitterTest {

    private static final String SECRET = "the daemon's JWT secret";
    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofHours(1));

    private FakeKcidbNg kcidb;
    private String token;
    private final List<Duration> pauses = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        kcidb = new FakeKcidbNg(SECRET);
        token = kcidb.token("labgate");
    }

    @AfterEach
    void stop() {
        kcidb.close();
    }

    private KcidbSubmitter submitter(int maxObjects) {
        return submitter(new SubmitSettings(kcidb.url(), token, "labgate", maxObjects, 4, RETRY,
                Duration.ofSeconds(5), Duration.ofMinutes(1)));
    }

    private KcidbSubmitter submitter(SubmitSettings settings) {
        return new KcidbSubmitter(http, settings, pauses::add);
    }

    private static KcidbData results(int tests) {
        var checkout = Checkout.of("labgate:c1", "labgate");
        var build = Build.of("labgate:b1", "labgate:c1", "labgate").withStatus(Status.PASS);
        var all = IntStream.range(0, tests).mapToObj(i -> Test.of("labgate:t" + i, "labgate:b1", "labgate", "kunit.t" + i,
                Status.PASS)).toList();
        return KcidbData.of(List.of(checkout), List.of(build), all);
    }

    @org.junit.jupiter.api.Test
    void posts_with_the_bearer_token_and_polls_status_until_processed() throws Exception {
        var done = submitter(100).submit(results(3));

        assertThat(done).hasSize(1);
        assertThat(done.get(0).state()).isEqualTo("processed");
        assertThat(done.get(0).objects()).isEqualTo(5);
        assertThat(kcidb.submissions().get(0).body().get("tests")).hasSize(3);
        assertThat(kcidb.requests()).extracting(r -> r.method() + " " + r.path() + (r.query() == null ? "" : "?" + r.query()))
                .containsExactly("POST /submit", "GET /status?id=" + done.get(0).id(),
                        "GET /status?id=" + done.get(0).id(), "GET /status?id=" + done.get(0).id());
        assertThat(kcidb.authorizations()).hasSize(4).allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + token));
        assertThat(pauses).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @org.junit.jupiter.api.Test
    void large_data_is_split_into_submissions_of_at_most_max_objects_in_order() throws Exception {
        var done = submitter(10).submit(results(25));

        assertThat(done).hasSize(3).allSatisfy(s -> assertThat(s.processed()).isTrue());
        assertThat(done).extracting(Submission::objects).containsExactly(10, 10, 7);
        var first = kcidb.submissions().get(0).body();
        assertThat(first.get("checkouts")).hasSize(1);
        assertThat(first.get("builds")).hasSize(1);
        assertThat(first.get("tests")).hasSize(8);
        assertThat(first.get("version").get("major").asInt()).isEqualTo(5);
        assertThat(kcidb.submissions().get(2).body().has("builds")).isFalse();
        assertThat(kcidb.submissions().get(2).body().get("tests").get(6).get("id").asText()).isEqualTo("labgate:t24");
    }

    @org.junit.jupiter.api.Test
    void a_5xx_is_tried_again_after_the_retry_policys_backoff() throws Exception {
        kcidb.failNext(2, 503);
        kcidb.pollsUntilDone(0);

        var done = submitter(100).submit(results(1));

        assertThat(done.get(0).processed()).isTrue();
        assertThat(pauses).hasSize(2);
        assertThat(pauses.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(pauses.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(kcidb.submissions()).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void an_outage_longer_than_every_try_is_reported_with_the_last_answer() {
        kcidb.failNext(10, 502);

        assertThatThrownBy(() -> submitter(100).submit(results(1))).isInstanceOf(KcidbSubmitException.class)
                .hasMessageContaining("did not answer submit after 4 tries (last: HTTP 502)")
                .hasMessageNotContaining(token);
        assertThat(pauses).hasSize(3);
        assertThat(pauses.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @org.junit.jupiter.api.Test
    void a_submission_the_ingester_fails_is_reported_loudly_with_what_went_through() {
        kcidb.failSubmissionsContaining("labgate:t15");

        assertThatThrownBy(() -> submitter(10).submit(results(20)))
                .isInstanceOfSatisfying(KcidbSubmitException.class, e -> {
                    assertThat(e.getMessage()).contains("kcidb-ng failed submission").contains("(10 objects)")
                            .contains("File failed to pass validation");
                    assertThat(e.done()).extracting(Submission::state).containsExactly("processed", "failed");
                });
    }

    @org.junit.jupiter.api.Test
    void a_token_signed_with_another_secret_is_refused_without_retrying() throws Exception {
        String forged;
        try (var other = new FakeKcidbNg("another secret")) {
            forged = other.token("labgate");
        }
        var settings = new SubmitSettings(kcidb.url(), forged, "labgate", 100, 4, RETRY,
                Duration.ofSeconds(5), Duration.ofMinutes(1));

        assertThatThrownBy(() -> submitter(settings).submit(results(1))).isInstanceOf(KcidbSubmitException.class)
                .hasMessageContaining("refused submit (HTTP 401)").hasMessageContaining("InvalidSignature");
        assertThat(kcidb.requests()).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void objects_of_another_origin_or_invalid_data_are_refused_before_anything_is_sent() {
        var foreign = KcidbData.of(List.of(Checkout.of("kernelci:c1", "kernelci")), List.of(), List.of());
        var invalid = KcidbData.of(List.of(Checkout.of("labgate:c1", "labgate").withGit("https://git.example/l.git",
                "main", "not-a-hash")), List.of(), List.of());

        assertThatThrownBy(() -> submitter(100).submit(foreign)).hasMessageContaining("must have origin 'labgate'")
                .hasMessageContaining("checkout kernelci:c1");
        assertThatThrownBy(() -> submitter(100).submit(invalid))
                .hasMessageContaining("$.checkouts[0].git_commit_hash: must be 40 lowercase hex digits");
        assertThat(kcidb.requests()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_submission_still_waiting_when_the_limit_passes_is_returned_as_it_stands() throws Exception {
        kcidb.pollsUntilDone(100);
        var settings = new SubmitSettings(kcidb.url(), token, "labgate", 100, 4, RETRY,
                Duration.ofSeconds(5), Duration.ofSeconds(12));

        var done = submitter(settings).submit(results(1));

        assertThat(done.get(0).state()).isEqualTo("ready");
        assertThat(pauses).hasSize(3);
    }

    @org.junit.jupiter.api.Test
    void a_service_sends_at_once_and_follows_each_submission_later_until_the_ingester_settles_it() throws Exception {
        var submitter = submitter(100);

        var sent = submitter.send(results(2));

        assertThat(sent).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo("inprogress"));
        assertThat(kcidb.requests()).extracting(FakeKcidbNg.Request::path).containsExactly("/submit");
        var first = submitter.status(sent.get(0));
        var second = submitter.status(first);
        var third = submitter.status(second);
        assertThat(List.of(first.state(), second.state(), third.state())).containsExactly("inprogress", "ready",
                "processed");
        assertThat(pauses).as("nothing waits inside the service's step").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_submission_kcidb_ng_does_not_know_is_reported_lost() {
        assertThatThrownBy(() -> submitter(100).status(new Submission("nosuchsubmission", 1, "inprogress", "")))
                .isInstanceOf(KcidbSubmitException.class).hasMessageContaining("lost submission nosuchsubmission")
                .hasMessageContaining("notfound");
    }

    @org.junit.jupiter.api.Test
    void settings_never_show_the_token() {
        assertThat(SubmitSettings.of(URI.create("https://db.example"), token, "labgate").toString())
                .doesNotContain(token).contains("https://db.example/");
    }
}
