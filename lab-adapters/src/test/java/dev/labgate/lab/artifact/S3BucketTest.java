package dev.labgate.lab.artifact;

import dev.labgate.core.Sha256;
import dev.labgate.core.retry.RetryPolicy;
import dev.labgate.testkit.FakeS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 client against the fake S3, which checks each request's SigV4 signature with its own code. */
class S3BucketTest {

    static final String ACCESS_KEY = "AKIALABGATETEST00001";
    static final String SECRET = "labgate/test+secret/0123456789abcdefghijKLMN";
    static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1));

    @TempDir
    Path tmp;

    private FakeS3 s3;

    @BeforeEach
    void start() throws IOException {
        s3 = new FakeS3("eu-test-1");
        s3.key(ACCESS_KEY, SECRET);
        s3.bucket("kernels", true);
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private S3Bucket bucket(String name, String region, String secret) {
        return new S3Bucket(s3.url(), name, region, "ci/", URI.create(s3.url() + "/" + name),
                new S3Bucket.Credentials(ACCESS_KEY, secret, "TEST_KEY_ID and TEST_SECRET"), Clock.systemUTC(), QUICK);
    }

    private S3Bucket bucket() {
        return bucket("kernels", "eu-test-1", SECRET);
    }

    private Path file(String content) throws IOException {
        return Files.writeString(Files.createTempFile(tmp, "artifact", ""), content);
    }

    private static HttpResponse<byte[]> download(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void an_upload_carries_its_checksums_and_is_downloaded_from_the_buckets_url() throws Exception {
        var bucket = bucket();
        bucket.put("run-1/tok/bzImage", file("a kernel"), Sha256.hex("a kernel"), "application/octet-stream");

        assertThat(s3.object("kernels", "ci/run-1/tok/bzImage")).hasValueSatisfying(o ->
                assertThat(new String(o.bytes(), StandardCharsets.UTF_8)).isEqualTo("a kernel"));
        var put = s3.requests().get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).as("path-style").isEqualTo("/kernels/ci/run-1/tok/bzImage");
        assertThat(put.headers()).containsEntry("X-amz-content-sha256", Sha256.hex("a kernel"))
                .containsEntry("X-amz-checksum-sha256", Base64.getEncoder().encodeToString(HexFormat.of()
                        .parseHex(Sha256.hex("a kernel"))));
        assertThat(put.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                .contains("/eu-test-1/s3/aws4_request").doesNotContain(SECRET);

        assertThat(bucket.url("run-1/tok/bzImage")).isEqualTo(s3.url() + "/kernels/ci/run-1/tok/bzImage");
        var downloaded = download(bucket.url("run-1/tok/bzImage"));
        assertThat(downloaded.statusCode()).as("anyone may read a public bucket's objects").isEqualTo(200);
        assertThat(new String(downloaded.body(), StandardCharsets.UTF_8)).isEqualTo("a kernel");
        assertThat(bucket.get("run-1/tok/bzImage")).hasValueSatisfying(b ->
                assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a kernel"));
        assertThat(bucket.get("run-1/tok/nothing")).as("NoSuchKey").isEmpty();
    }

    @Test
    void a_key_with_characters_to_encode_is_signed_and_served_as_the_same_key() throws Exception {
        var bucket = bucket();
        bucket.put("run-1/tok/dtbs/vendor/board+extra.dtb", file("a dtb"), Sha256.hex("a dtb"), "application/octet-stream");

        assertThat(s3.keys("kernels")).containsExactly("ci/run-1/tok/dtbs/vendor/board+extra.dtb");
        assertThat(bucket.url("run-1/tok/dtbs/vendor/board+extra.dtb")).endsWith("/board%2Bextra.dtb");
        assertThat(download(bucket.url("run-1/tok/dtbs/vendor/board+extra.dtb")).statusCode()).isEqualTo(200);
    }

    @Test
    void a_listing_follows_every_page_and_keys_come_back_without_the_prefix() throws Exception {
        s3.maxKeys(2);
        var bucket = bucket();
        for (var key : new String[] {"r1/t/a", "r1/t/b", "r1/t/c", "r2/t/a", "r3/t/a"}) {
            bucket.put(key, file(key), Sha256.hex(key), "text/plain");
        }

        assertThat(bucket.list("")).extracting(S3Bucket.StoredObject::key, S3Bucket.StoredObject::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r1/t/a", 6L),
                        org.assertj.core.groups.Tuple.tuple("r1/t/b", 6L), org.assertj.core.groups.Tuple.tuple("r1/t/c", 6L),
                        org.assertj.core.groups.Tuple.tuple("r2/t/a", 6L), org.assertj.core.groups.Tuple.tuple("r3/t/a", 6L));
        assertThat(s3.requests().stream().filter(r -> r.method().equals("GET")).count()).as("three pages of two")
                .isEqualTo(3);
        assertThat(bucket.list("r1/")).extracting(S3Bucket.StoredObject::key).containsExactly("r1/t/a", "r1/t/b", "r1/t/c");

        bucket.delete("r1/t/b");
        bucket.delete("r1/t/never-there");
        assertThat(s3.keys("kernels")).containsExactly("ci/r1/t/a", "ci/r1/t/c", "ci/r2/t/a", "ci/r3/t/a");
    }

    @Test
    void a_wrong_secret_is_refused_for_good_with_the_buckets_words_and_without_the_secret() throws Exception {
        var wrong = "not-the-secret-0123456789abcdefghijklmnop";
        var bucket = bucket("kernels", "eu-test-1", wrong);

        assertThatThrownBy(() -> bucket.put("run-1/tok/bzImage", file("a kernel"), Sha256.hex("a kernel"), "x/y"))
                .isInstanceOfSatisfying(BucketException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("S3 bucket 'kernels' refused labgate's credentials (HTTP 403 "
                            + "SignatureDoesNotMatch: The request signature we calculated does not match the signature "
                            + "you provided. Check your key and signing method.): check TEST_KEY_ID and TEST_SECRET "
                            + "(PutObject at " + s3.url().getAuthority() + ")");
                    assertThat(e.getMessage()).doesNotContain(wrong, SECRET, "run-1", "tok");
                });
        assertThat(s3.requests()).as("a refusal is not tried again").hasSize(1);
        assertThat(s3.keys("kernels")).isEmpty();
        assertThat(new S3Bucket.Credentials(ACCESS_KEY, wrong, "X").toString()).doesNotContain(wrong);
    }

    @Test
    void an_unknown_key_a_missing_bucket_and_another_region_each_say_what_to_fix() {
        var unknown = new S3Bucket(s3.url(), "kernels", "eu-test-1", "", s3.url(),
                new S3Bucket.Credentials("AKIANOBODY0000000000", SECRET, "K and S"), Clock.systemUTC(), QUICK);
        assertThatThrownBy(() -> unknown.list("")).hasMessageContaining("HTTP 403 InvalidAccessKeyId")
                .hasMessageContaining("check K and S");
        assertThatThrownBy(() -> bucket("no-such-bucket", "eu-test-1", SECRET).list(""))
                .hasMessage("S3 bucket 'no-such-bucket' does not exist at " + s3.url().getAuthority() + " (HTTP 404 "
                        + "NoSuchBucket: The specified bucket does not exist)");
        assertThatThrownBy(() -> bucket("kernels", "us-east-1", SECRET).list(""))
                .hasMessageContaining("HTTP 400 AuthorizationHeaderMalformed")
                .hasMessageContaining("the region 'us-east-1' is wrong; expecting 'eu-test-1'")
                .hasMessageContaining("check the bucket's region in the policy");
    }

    @Test
    void bytes_that_differ_from_the_checksum_sent_are_refused() {
        assertThatThrownBy(() -> bucket().put("run-1/tok/bzImage", file("a kernel"), Sha256.hex("another kernel"), "x/y"))
                .isInstanceOfSatisfying(BucketException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 400 XAmzContentSHA256Mismatch");
                });
        assertThat(s3.keys("kernels")).isEmpty();
    }

    @Test
    void an_outage_is_tried_again_with_the_retry_policy_and_then_reported_as_worth_trying_later() throws Exception {
        var bucket = bucket();
        s3.failNext(2, 503);
        bucket.put("run-1/tok/bzImage", file("a kernel"), Sha256.hex("a kernel"), "application/octet-stream");
        assertThat(s3.requests()).hasSize(3);
        assertThat(s3.keys("kernels")).containsExactly("ci/run-1/tok/bzImage");

        s3.failNext(10, 500);
        assertThatThrownBy(() -> bucket.delete("run-1/tok/bzImage")).isInstanceOfSatisfying(BucketException.class,
                e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("failed DeleteObject at " + s3.url().getAuthority() + " (HTTP 500)");
                });
        assertThat(s3.requests()).as("four tries").hasSize(3 + 4);
    }
}
