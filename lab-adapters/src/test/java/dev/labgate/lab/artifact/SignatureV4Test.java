package dev.labgate.lab.artifact;

import dev.labgate.core.Sha256;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signer against the examples AWS publishes in the S3 API Reference, "Signature Calculations
 * for the Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html), with the
 * documentation's example credentials.
 */
class SignatureV4Test {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private final SignatureV4 signer = new SignatureV4(ACCESS_KEY, SECRET, "us-east-1");

    @Test
    void the_get_object_example_signs_to_the_published_signature() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Host", "examplebucket.s3.amazonaws.com");
        headers.put("Range", "bytes=0-9");
        headers.put("x-amz-content-sha256", SignatureV4.EMPTY_SHA256);
        headers.put("x-amz-date", "20130524T000000Z");

        var canonical = SignatureV4.canonicalRequest("GET", "/test.txt", Map.of(),
                SignatureV4.canonicalHeaders(headers), SignatureV4.EMPTY_SHA256);
        assertThat(canonical).isEqualTo("""
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
        assertThat(Sha256.hex(canonical)).as("the hash in the string to sign")
                .isEqualTo("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
        assertThat(signer.authorization("GET", "/test.txt", Map.of(), headers, SignatureV4.EMPTY_SHA256))
                .isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void the_put_object_example_encodes_the_key_once_and_signs_the_payloads_hash() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Host", "examplebucket.s3.amazonaws.com");
        headers.put("Date", "Fri, 24 May 2013 00:00:00 GMT");
        headers.put("x-amz-date", "20130524T000000Z");
        headers.put("x-amz-storage-class", "REDUCED_REDUNDANCY");
        var payload = Sha256.hex("Welcome to Amazon S3.");
        headers.put("x-amz-content-sha256", payload);

        assertThat(payload).isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        assertThat(signer.authorization("PUT", "/test$file.text", Map.of(), headers, payload))
                .endsWith(",SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void the_list_objects_example_sorts_and_encodes_the_query() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("host", "examplebucket.s3.amazonaws.com");
        headers.put("x-amz-content-sha256", SignatureV4.EMPTY_SHA256);
        headers.put("x-amz-date", "20130524T000000Z");

        var query = new LinkedHashMap<String, String>();
        query.put("prefix", "J");
        query.put("max-keys", "2");
        assertThat(signer.authorization("GET", "/", query, headers, SignatureV4.EMPTY_SHA256))
                .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    @Test
    void a_date_is_written_as_x_amz_date_wants_it() {
        assertThat(SignatureV4.amzDate(Instant.parse("2013-05-24T00:00:00Z"))).isEqualTo("20130524T000000Z");
    }

    @Test
    void paths_keep_their_slashes_and_query_values_do_not() {
        assertThat(SignatureV4.encode("/bucket/ci/run 1/a+b~c", false)).isEqualTo("/bucket/ci/run%201/a%2Bb~c");
        assertThat(SignatureV4.encode("ci/run/", true)).isEqualTo("ci%2Frun%2F");
    }
}
