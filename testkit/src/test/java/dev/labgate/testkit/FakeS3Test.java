package dev.labgate.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake's signature check against the requests AWS signs in its documentation (S3 API Reference,
 * "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html), sent byte for byte
 * over a socket, so that the fake is checked against AWS and not against labgate's own signer.
 * The examples address the bucket by host name; the fake reads the path as the bucket, so an
 * authentic example ends at {@code NoSuchBucket}, and a tampered one at {@code SignatureDoesNotMatch}.
 */
class FakeS3Test {

    private static final String EXAMPLE_SIGNATURE = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    private FakeS3 s3;

    @BeforeEach
    void start() throws IOException {
        s3 = new FakeS3("us-east-1");
        s3.key("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private String send(String request) throws IOException {
        try (var socket = new Socket(s3.url().getHost(), s3.url().getPort())) {
            socket.getOutputStream().write(request.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String getObject(String range, String signature) {
        return """
                GET /test.txt HTTP/1.1
                Host: examplebucket.s3.amazonaws.com
                Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
                SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=%s
                Range: bytes=%s
                x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date: 20130524T000000Z
                Connection: close

                """.formatted(signature, range);
    }

    @Test
    void the_documented_get_object_request_is_authentic() throws IOException {
        var answer = send(getObject("0-9", EXAMPLE_SIGNATURE));
        assertThat(answer).startsWith("HTTP/1.1 404").contains("<Code>NoSuchBucket</Code>");
    }

    @Test
    void the_same_request_with_a_signed_header_changed_is_refused() throws IOException {
        var answer = send(getObject("0-10", EXAMPLE_SIGNATURE));
        assertThat(answer).startsWith("HTTP/1.1 403").contains("<Code>SignatureDoesNotMatch</Code>",
                "<Message>The request signature we calculated does not match the signature you provided. Check your "
                        + "key and signing method.</Message>");
        assertThat(send(getObject("0-9", EXAMPLE_SIGNATURE.replace('f', 'e')))).startsWith("HTTP/1.1 403");
    }

    @Test
    void the_documented_put_object_request_is_authentic_and_its_body_checked() throws IOException {
        var put = """
                PUT /test%%24file.text HTTP/1.1
                Host: examplebucket.s3.amazonaws.com
                Date: Fri, 24 May 2013 00:00:00 GMT
                Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
                SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,\
                Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd
                x-amz-date: 20130524T000000Z
                x-amz-storage-class: REDUCED_REDUNDANCY
                x-amz-content-sha256: 44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                Content-Length: 21
                Connection: close

                %s""";
        assertThat(send(put.formatted("Welcome to Amazon S3."))).startsWith("HTTP/1.1 404")
                .contains("<Code>NoSuchBucket</Code>");
        assertThat(send(put.formatted("Welcome to Amazon S4."))).as("the body is not what the signed hash says")
                .startsWith("HTTP/1.1 400").contains("<Code>XAmzContentSHA256Mismatch</Code>");
    }

    @Test
    void an_unknown_key_an_unsigned_amz_header_and_an_anonymous_write_are_refused() throws IOException {
        var unknown = getObject("0-9", EXAMPLE_SIGNATURE).replace("AKIAIOSFODNN7EXAMPLE", "AKIAUNKNOWN000000000");
        assertThat(send(unknown)).startsWith("HTTP/1.1 403").contains("<Code>InvalidAccessKeyId</Code>");

        var unsigned = getObject("0-9", EXAMPLE_SIGNATURE).replace("Connection: close", "x-amz-acl: public-read\n"
                + "Connection: close");
        assertThat(send(unsigned)).startsWith("HTTP/1.1 403").contains("<Code>AccessDenied</Code>",
                "headers present in the request which were not signed");

        s3.bucket("kernels", true);
        var anonymous = send("PUT /kernels/bzImage HTTP/1.1\nHost: x\nContent-Length: 1\nConnection: close\n\nk");
        assertThat(anonymous).startsWith("HTTP/1.1 403").contains("<Code>AccessDenied</Code>");
        assertThat(s3.keys("kernels")).isEmpty();
        assertThat(send("GET /kernels?list-type=2 HTTP/1.1\nHost: x\nConnection: close\n\n"))
                .as("reading objects is not listing them").startsWith("HTTP/1.1 403");
    }
}
