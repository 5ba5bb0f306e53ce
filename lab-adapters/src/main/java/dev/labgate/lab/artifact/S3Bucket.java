package dev.labgate.lab.artifact;

import dev.labgate.core.retry.RetryPolicy;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The part of an operator's S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage) that labgate
 * writes: every key under one prefix. Requests are addressed path-style
 * ({@code <endpoint>/<bucket>/<key>}, which every S3-compatible server takes) and signed with AWS
 * Signature Version 4 ({@link SignatureV4}); an upload carries its SHA-256 as
 * {@code x-amz-content-sha256} and {@code x-amz-checksum-sha256}, so the bucket refuses bytes that
 * differ from what labgate hashed. Keys here are relative to the prefix.
 *
 * <p>Every request is tried again on a connection failure, a 5xx, 429 or S3's {@code RequestTimeout},
 * after the waits of the one retry policy of outside calls, a few times; then, or at once for a
 * refusal (bad credentials, no such bucket), it fails with a {@link BucketException} that says what
 * the bucket said and whether trying later can help. Thread-safe.
 */
public final class S3Bucket {

    /**
     * An access key pair, read from the environment.
     *
     * @param from where it was read, for messages ("LABGATE_S3_ACCESS_KEY_ID and ...")
     */
    public record Credentials(String accessKeyId, String secretAccessKey, String from) {
        public Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            Objects.requireNonNull(from, "from");
        }

        /** Never the secret: this text may reach a log. */
        @Override
        public String toString() {
            return "S3 credentials from " + from;
        }
    }

    /** An object under the prefix: its key (relative to the prefix), size and when it was last written. */
    public record StoredObject(String key, long size, Instant lastModified) {
    }

    /** Tries per request: the first, and three more after the retry policy's waits (2, 4, 8 s nominal). */
    private static final int ATTEMPTS = 4;
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration ANSWER = Duration.ofMinutes(1);
    /** An upload may take one more second per MiB: a slow link to the bucket is not an outage. */
    private static final long BYTES_PER_EXTRA_SECOND = 1 << 20;
    private static final int MAX_ANSWER = 16 << 20;

    private final URI endpoint;
    private final String name;
    private final String prefix;
    private final String url;
    private final Credentials credentials;
    private final SignatureV4 signer;
    private final Clock clock;
    private final RetryPolicy retry;
    private final HttpClient client;

    /**
     * @param endpoint the S3 API's base URL, without a path
     * @param prefix every key's beginning: empty, or ending with {@code /}
     * @param url where the bucket's objects are downloaded from ({@code <url>/<key>})
     * @param clock the time requests are signed at (the bucket refuses one 15 minutes off its own)
     * @param retry the waits between tries ({@link RetryPolicy#OUTSIDE_CALLS}; shorter in tests)
     */
    public S3Bucket(URI endpoint, String name, String region, String prefix, URI url, Credentials credentials,
                    Clock clock, RetryPolicy retry) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.name = name;
        this.prefix = prefix;
        this.url = url.toString().replaceAll("/+$", "");
        this.credentials = credentials;
        this.signer = new SignatureV4(credentials.accessKeyId(), credentials.secretAccessKey(), region);
        this.clock = clock;
        this.retry = retry;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Where labs download an object from (its key URI-encoded, slashes kept). */
    public String url(String key) {
        return url + "/" + SignatureV4.encode(prefix + key, false);
    }

    /** The bucket, for messages: {@code S3 bucket 'labgate' at minio.example.org:9000}. */
    @Override
    public String toString() {
        return "S3 bucket '" + name + "' at " + endpoint.getAuthority();
    }

    /**
     * PutObject: writes {@code file} at {@code key}, replacing what was there.
     *
     * @param sha256 the file's SHA-256 (64 hex): the bucket refuses the upload when the bytes differ
     */
    public void put(String key, Path file, String sha256, String contentType) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BucketException("cannot read " + file.getFileName() + " to upload it: " + e.getMessage(), false,
                    Optional.empty(), e);
        }
        var checksum = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
        send("PutObject", "PUT", "/" + name + "/" + prefix + key, Map.of(), Optional.of(file), sha256,
                Map.of("x-amz-checksum-sha256", checksum), contentType,
                ANSWER.plusSeconds(size / BYTES_PER_EXTRA_SECOND));
    }

    /** GetObject: the object's bytes (at most 16 MiB), or empty when there is no such key ({@code NoSuchKey}). */
    public Optional<byte[]> get(String key) {
        var answer = send("GetObject", "GET", "/" + name + "/" + prefix + key, Map.of(), Optional.empty(),
                SignatureV4.EMPTY_SHA256, Map.of(), null, ANSWER);
        return answer.status() == 404 ? Optional.empty() : Optional.of(answer.body());
    }

    /** ListObjectsV2, every page: the objects whose key starts with {@code keyPrefix}. */
    public List<StoredObject> list(String keyPrefix) {
        var objects = new ArrayList<StoredObject>();
        Optional<String> continuation = Optional.empty();
        do {
            var query = new TreeMap<String, String>();
            query.put("list-type", "2");
            query.put("prefix", prefix + keyPrefix);
            continuation.ifPresent(token -> query.put("continuation-token", token));
            var answer = send("ListObjectsV2", "GET", "/" + name, query, Optional.empty(), SignatureV4.EMPTY_SHA256,
                    Map.of(), null, ANSWER);
            var page = xml(answer.body()).orElseThrow(() -> new BucketException(this + " answered ListObjectsV2 "
                    + "with something that is not its XML", true, Optional.empty(), null)).getDocumentElement();
            for (var contents : children(page, "Contents")) {
                var key = text(contents, "Key");
                if (key.startsWith(prefix)) {
                    objects.add(new StoredObject(key.substring(prefix.length()), Long.parseLong(text(contents, "Size")),
                            instant(text(contents, "LastModified"))));
                }
            }
            continuation = "true".equals(text(page, "IsTruncated"))
                    ? Optional.of(text(page, "NextContinuationToken")).filter(t -> !t.isEmpty()) : Optional.empty();
        } while (continuation.isPresent());
        return objects;
    }

    /** DeleteObject; deleting a key that is not there is no error (S3 answers 204 either way). */
    public void delete(String key) {
        send("DeleteObject", "DELETE", "/" + name + "/" + prefix + key, Map.of(), Optional.empty(),
                SignatureV4.EMPTY_SHA256, Map.of(), null, ANSWER);
    }

    private record Answer(int status, byte[] body) {
    }

    /**
     * One request, signed afresh for each try. A 2xx is the answer, and so is a 404 to GetObject
     * ({@code NoSuchKey}); anything else fails with what the bucket said.
     */
    private Answer send(String operation, String method, String path, Map<String, String> query,
                        Optional<Path> body, String payloadSha256, Map<String, String> signedExtra,
                        String contentType, Duration timeout) {
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            BucketException failure;
            try {
                var response = client.send(request(method, path, query, body, payloadSha256, signedExtra,
                        contentType, timeout), HttpResponse.BodyHandlers.ofInputStream());
                byte[] bytes;
                try (InputStream in = response.body()) {
                    bytes = in.readNBytes(MAX_ANSWER);
                }
                var status = response.statusCode();
                if (status / 100 == 2) {
                    return new Answer(status, bytes);
                }
                var error = S3Error.of(bytes);
                if (status == 404 && operation.equals("GetObject")
                        && error.filter(e -> e.code().equals("NoSuchBucket")).isEmpty()) {
                    return new Answer(status, new byte[0]);
                }
                failure = refusal(operation, status, error, response.headers().firstValue("Retry-After")
                        .flatMap(S3Bucket::seconds));
            } catch (IOException e) {
                failure = new BucketException(this + " cannot be reached for " + operation + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), true,
                        Optional.empty(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BucketException("interrupted while waiting for " + this, true, Optional.empty(), e);
            }
            if (!failure.retryable() || attempt == ATTEMPTS) {
                throw failure;
            }
            // A wait the bucket asked for is not a failure to back off from (RetryPolicy).
            if (failure.retryAfter().isEmpty()) {
                failures++;
            }
            var wait = retry.next(Math.max(1, failures), failure.retryAfter());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BucketException("interrupted while waiting to try " + this + " again", true,
                        Optional.empty(), e);
            }
        }
    }

    private HttpRequest request(String method, String path, Map<String, String> query, Optional<Path> body,
                                String payloadSha256, Map<String, String> signedExtra, String contentType,
                                Duration timeout) throws IOException {
        var headers = new LinkedHashMap<String, String>();
        headers.put("host", host());
        headers.put("x-amz-date", SignatureV4.amzDate(clock.instant()));
        headers.put("x-amz-content-sha256", payloadSha256);
        headers.putAll(signedExtra);
        var authorization = signer.authorization(method, path, query, headers, payloadSha256);
        var queryText = new TreeMap<>(query).entrySet().stream()
                .map(e -> SignatureV4.encode(e.getKey(), true) + "=" + SignatureV4.encode(e.getValue(), true))
                .collect(Collectors.joining("&"));
        var uri = URI.create(endpoint + SignatureV4.encode(path, false) + (queryText.isEmpty() ? "" : "?" + queryText));
        var builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", authorization);
        // The JDK client sets Host itself, from the URI, as host() writes it.
        headers.forEach((header, value) -> {
            if (!header.equals("host")) {
                builder.header(header, value);
            }
        });
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        var publisher = body.isPresent() ? HttpRequest.BodyPublishers.ofFile(body.get())
                : HttpRequest.BodyPublishers.noBody();
        return builder.method(method, publisher).build();
    }

    /** The Host header the JDK client sends for the endpoint: the port only when it is not the scheme's own. */
    private String host() {
        var port = endpoint.getPort();
        var defaultPort = port == -1 || port == ("https".equals(endpoint.getScheme()) ? 443 : 80);
        return endpoint.getHost() + (defaultPort ? "" : ":" + port);
    }

    /** What a refusal means for the operator, and whether trying again later can help. */
    private BucketException refusal(String operation, int status, Optional<S3Error> error,
                                    Optional<Duration> retryAfter) {
        var code = error.map(S3Error::code).orElse("");
        var said = "HTTP " + status + error.map(e -> " " + e.code() + (e.message().isEmpty() ? "" : ": "
                + e.message())).orElse("");
        var retryable = status >= 500 || status == 429 || status == 408 || code.equals("RequestTimeout");
        // The bucket and what it said first: a commit status shows the first 140 characters of a note.
        var bucket = "S3 bucket '" + name + "'";
        var where = operation + " at " + endpoint.getAuthority();
        var what = switch (code) {
            case "SignatureDoesNotMatch", "InvalidAccessKeyId" -> bucket + " refused labgate's credentials (" + said
                    + "): check " + credentials.from() + " (" + where + ")";
            case "AccessDenied" -> bucket + " refused " + where + " (" + said + "): the key in " + credentials.from()
                    + " may not do it, or the bucket's policy forbids it";
            case "NoSuchBucket" -> bucket + " does not exist at " + endpoint.getAuthority() + " (" + said + ")";
            case "AuthorizationHeaderMalformed" -> bucket + " refused " + where + " (" + said
                    + "): check the bucket's region in the policy";
            case "RequestTimeTooSkewed" -> bucket + " refused " + where + " (" + said
                    + "): this host's clock is more than 15 minutes off the bucket's";
            default -> bucket + (retryable ? " failed " : " refused ") + where + " (" + said + ")";
        };
        return new BucketException(what, retryable, retryAfter, null);
    }

    private static Optional<Duration> seconds(String header) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** S3's error document: {@code <Error><Code>...</Code><Message>...</Message></Error>}. */
    private record S3Error(String code, String message) {
        static Optional<S3Error> of(byte[] body) {
            return xml(body).map(Document::getDocumentElement).filter(e -> e.getTagName().equals("Error"))
                    .map(e -> new S3Error(text(e, "Code"), cut(text(e, "Message"))));
        }

        private static String cut(String text) {
            return text.length() <= 300 ? text : text.substring(0, 300) + "…";
        }
    }

    /** An XML answer, read without DTDs or external entities (a server's answer is not trusted to be benign). */
    private static Optional<Document> xml(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return Optional.of(builder.parse(new ByteArrayInputStream(body)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return Optional.empty();
        }
    }

    private static List<Element> children(Element parent, String tag) {
        var found = new ArrayList<Element>();
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String tag) {
        var found = children(parent, tag);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BucketException("the bucket gave a time labgate cannot read: '" + text + "'", false,
                    Optional.empty(), e);
        }
    }
}
