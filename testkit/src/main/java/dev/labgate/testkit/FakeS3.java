package dev.labgate.testkit;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * An S3-compatible object store on loopback, addressed path-style ({@code /<bucket>/<key>}, Amazon S3
 * User Guide, "Path-style requests", https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html),
 * as MinIO, Ceph RGW and Garage serve it. It models, each from the S3 API Reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/):
 *
 * <ul>
 * <li>authentication with AWS Signature Version 4 in the {@code Authorization} header
 *     (sig-v4-header-based-auth.html): the canonical request is rebuilt here from the raw request
 *     as received (its path and query decoded and encoded again, the signed headers' values as they
 *     came, the {@code x-amz-content-sha256} it claims), signed with the secret of the access key
 *     the credential names, and compared; {@code 403 InvalidAccessKeyId} for an unknown key,
 *     {@code 403 SignatureDoesNotMatch} for a wrong signature, {@code 400 AuthorizationHeaderMalformed}
 *     for a scope of another region or date; an {@code x-amz-*} header that is not signed is
 *     {@code 403 AccessDenied} (sig-v4-header-based-auth.html: "any x-amz-* headers that you plan to add
 *     to the request" must be signed);</li>
 * <li>{@code x-amz-content-sha256}, required with SigV4 (RESTCommonRequestHeaders.html), checked
 *     against the body unless {@code UNSIGNED-PAYLOAD}: {@code 400 XAmzContentSHA256Mismatch}
 *     (ErrorResponses.html); missing, {@code 400 InvalidRequest};</li>
 * <li>PutObject (API_PutObject.html): the object replaced whole; {@code x-amz-checksum-sha256} (the
 *     base64 SHA-256) checked, {@code 400 BadDigest} when it differs; answers its {@code ETag} (the
 *     MD5 in quotes, for a single-part upload);</li>
 * <li>GetObject and HeadObject (API_GetObject.html, API_HeadObject.html): the bytes, with
 *     {@code ETag}, {@code Last-Modified}, {@code Content-Type} and {@code Content-Length};
 *     {@code 404 NoSuchKey} (HeadObject: 404 without a body);</li>
 * <li>ListObjectsV2 (API_ListObjectsV2.html, {@code GET /<bucket>?list-type=2}): keys in UTF-8 binary
 *     order with {@code prefix}, at most {@code max-keys} (1,000) per page, {@code IsTruncated} and
 *     an opaque {@code NextContinuationToken} for the next page;</li>
 * <li>DeleteObject (API_DeleteObject.html): {@code 204}, whether the key existed or not;</li>
 * <li>{@code 404 NoSuchBucket} for a bucket that does not exist; errors as S3's XML document
 *     ({@code <Error><Code/><Message/><Resource/><RequestId/></Error>}, ErrorResponses.html);</li>
 * <li>anonymous GET and HEAD only on a bucket whose policy grants {@code s3:GetObject} to everyone
 *     (User Guide, "Bucket policy examples", granting read-only permission to anonymous users),
 *     {@code 403 AccessDenied} otherwise;</li>
 * <li>rate limiting as {@code 503 SlowDown} (ErrorResponses.html).</li>
 * </ul>
 */
public final class FakeS3 extends FakeHttpServer {

    /** An object as stored: its bytes, type and when it was last written. */
    public record StoredObject(byte[] bytes, String contentType, Instant lastModified) {
    }

    private static final String UNSIGNED = "UNSIGNED-PAYLOAD";
    private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LISTED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String region;
    private final Clock clock;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong(0x4442587FB7D0A2F9L);
    private volatile int maxKeys = 1000;

    private record Bucket(boolean publicRead, ConcurrentSkipListMap<String, StoredObject> objects) {
    }

    public FakeS3(String region) throws IOException {
        this(region, Clock.systemUTC());
    }

    public FakeS3(String region, Clock clock) throws IOException {
        this.region = region;
        this.clock = clock;
    }

    public URI url() {
        return baseUrl();
    }

    /** An access key the store knows, with its secret. */
    public void key(String accessKeyId, String secretAccessKey) {
        secrets.put(accessKeyId, secretAccessKey);
    }

    /** Makes a bucket; a public one lets anyone download its objects (a bucket policy granting s3:GetObject to "*"). */
    public void bucket(String name, boolean publicRead) {
        buckets.putIfAbsent(name, new Bucket(publicRead, new ConcurrentSkipListMap<>()));
    }

    /** The most keys one ListObjectsV2 page holds (1,000 in S3), smaller to test paging. */
    public void maxKeys(int keys) {
        maxKeys = keys;
    }

    /** The object at {@code key}, if any. */
    public Optional<StoredObject> object(String bucket, String key) {
        return Optional.ofNullable(buckets.get(bucket)).map(b -> b.objects().get(key));
    }

    /** Every key of the bucket, in order. */
    public List<String> keys(String bucket) {
        return List.copyOf(buckets.get(bucket).objects().keySet());
    }

    /** Makes the objects under {@code keyPrefix} look written {@code by} earlier (what the retention reads). */
    public void backdate(String bucket, String keyPrefix, Duration by) {
        buckets.get(bucket).objects().replaceAll((key, object) -> key.startsWith(keyPrefix)
                ? new StoredObject(object.bytes(), object.contentType(), object.lastModified().minus(by)) : object);
    }

    @Override
    protected Answer rateLimited() {
        return error(503, "SlowDown", "Please reduce your request rate.", "/");
    }

    @Override
    protected Answer answer(String method, String path, Map<String, String> query, String text,
                            HttpExchange exchange) {
        var answer = answer(method, path, query, exchange);
        // A HEAD answer has the headers of the GET, never a body (RFC 9110, 9.3.2).
        return method.equals("HEAD") ? Answer.bytes(answer.status(), new byte[0], answer.headers()) : answer;
    }

    private Answer answer(String method, String path, Map<String, String> query, HttpExchange exchange) {
        var rawPath = exchange.getRequestURI().getRawPath();
        var body = rawBody(exchange);
        var headers = exchange.getRequestHeaders();
        if (headers.getFirst("Authorization") != null) {
            var refused = authenticate(method, rawPath, exchange.getRequestURI().getRawQuery(), exchange, body);
            if (refused.isPresent()) {
                return refused.get();
            }
        } else if (!method.equals("GET") && !method.equals("HEAD") || !publicObject(path)) {
            return error(403, "AccessDenied", "Access Denied", path);
        }
        var slash = path.indexOf('/', 1);
        var bucketName = slash < 0 ? path.substring(1) : path.substring(1, slash);
        var bucket = buckets.get(bucketName);
        if (bucketName.isEmpty()) {
            return error(501, "NotImplemented", "A header you provided implies functionality that is not implemented.",
                    path);
        }
        if (bucket == null) {
            return error(404, "NoSuchBucket", "The specified bucket does not exist", path);
        }
        if (slash < 0 || slash == path.length() - 1) {
            if (method.equals("GET") && "2".equals(query.get("list-type"))) {
                return list(bucketName, bucket, query);
            }
            return error(501, "NotImplemented", "A header you provided implies functionality that is not implemented.",
                    path);
        }
        var key = path.substring(slash + 1);
        return switch (method) {
            case "PUT" -> put(bucket, key, body, exchange, path);
            case "GET", "HEAD" -> get(bucket, key, method.equals("HEAD"), path);
            case "DELETE" -> {
                bucket.objects().remove(key);
                yield Answer.bytes(204, new byte[0], Map.of());
            }
            default -> error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                    path);
        };
    }

    /** Whether {@code path} names an object of a bucket anyone may read (listing it is another permission). */
    private boolean publicObject(String path) {
        var slash = path.indexOf('/', 1);
        if (slash < 0 || slash == path.length() - 1) {
            return false;
        }
        var bucket = buckets.get(path.substring(1, slash));
        return bucket != null && bucket.publicRead();
    }

    private Answer put(Bucket bucket, String key, byte[] body, HttpExchange exchange, String path) {
        var checksum = exchange.getRequestHeaders().getFirst("x-amz-checksum-sha256");
        if (checksum != null && !checksum.equals(Base64.getEncoder().encodeToString(digest("SHA-256", body)))) {
            return error(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.", path);
        }
        var type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
                .orElse("binary/octet-stream");
        bucket.objects().put(key, new StoredObject(body, type, clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        var answer = new LinkedHashMap<String, String>();
        answer.put("ETag", etag(body));
        if (checksum != null) {
            answer.put("x-amz-checksum-sha256", checksum);
        }
        return Answer.bytes(200, new byte[0], answer);
    }

    private Answer get(Bucket bucket, String key, boolean head, String path) {
        var object = bucket.objects().get(key);
        if (object == null) {
            return error(404, "NoSuchKey", "The specified key does not exist.", path);
        }
        var headers = new LinkedHashMap<String, String>();
        headers.put("ETag", etag(object.bytes()));
        headers.put("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(object.lastModified()
                .atOffset(ZoneOffset.UTC)));
        headers.put("Content-Type", object.contentType());
        if (head) {
            headers.put("Content-Length", Integer.toString(object.bytes().length));
            return Answer.bytes(200, new byte[0], headers);
        }
        return Answer.bytes(200, object.bytes(), headers);
    }

    private Answer list(String name, Bucket bucket, Map<String, String> query) {
        var prefix = query.getOrDefault("prefix", "");
        var after = Optional.ofNullable(query.get("continuation-token"))
                .map(t -> new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8));
        int limit = Math.min(maxKeys, Integer.parseInt(query.getOrDefault("max-keys", "1000")));
        var page = new ArrayList<Map.Entry<String, StoredObject>>();
        var truncated = false;
        var from = after.isPresent() ? bucket.objects().tailMap(after.get(), false) : bucket.objects();
        for (var entry : from.entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                continue;
            }
            if (page.size() == limit) {
                truncated = true;
                break;
            }
            page.add(entry);
        }
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"")
                .append(XMLNS).append("\"><Name>").append(escape(name)).append("</Name><Prefix>")
                .append(escape(prefix)).append("</Prefix><KeyCount>").append(page.size()).append("</KeyCount><MaxKeys>")
                .append(limit).append("</MaxKeys><IsTruncated>").append(truncated).append("</IsTruncated>");
        for (var entry : page) {
            xml.append("<Contents><Key>").append(escape(entry.getKey())).append("</Key><LastModified>")
                    .append(LISTED.format(entry.getValue().lastModified())).append("</LastModified><ETag>")
                    .append(escape(etag(entry.getValue().bytes()))).append("</ETag><Size>")
                    .append(entry.getValue().bytes().length).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        query.entrySet().stream().filter(e -> e.getKey().equals("continuation-token")).findFirst()
                .ifPresent(e -> xml.append("<ContinuationToken>").append(escape(e.getValue())).append("</ContinuationToken>"));
        if (truncated) {
            xml.append("<NextContinuationToken>").append(Base64.getUrlEncoder().encodeToString(
                    page.get(page.size() - 1).getKey().getBytes(StandardCharsets.UTF_8))).append("</NextContinuationToken>");
        }
        xml.append("</ListBucketResult>");
        return Answer.bytes(200, xml.toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/xml"));
    }

    /**
     * Checks a SigV4 {@code Authorization} header against the request as it came; empty when the
     * request is authentic and its body is what it claims.
     */
    private Optional<Answer> authenticate(String method, String rawPath, String rawQuery, HttpExchange exchange,
                                          byte[] body) {
        var headers = exchange.getRequestHeaders();
        var resource = decodePath(rawPath);
        var authorization = headers.getFirst("Authorization");
        if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return Optional.of(error(400, "InvalidArgument", "Unsupported Authorization Type", resource));
        }
        var parts = new LinkedHashMap<String, String>();
        for (var part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            var eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        var credential = parts.getOrDefault("Credential", "").split("/");
        var signedHeaders = parts.getOrDefault("SignedHeaders", "");
        var signature = parts.getOrDefault("Signature", "");
        if (credential.length != 5 || signedHeaders.isEmpty() || signature.isEmpty()) {
            return Optional.of(error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; "
                    + "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
                    resource));
        }
        var secret = secrets.get(credential[0]);
        if (secret == null) {
            return Optional.of(error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist "
                    + "in our records.", resource));
        }
        if (!credential[2].equals(region)) {
            return Optional.of(error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; "
                    + "the region '" + credential[2] + "' is wrong; expecting '" + region + "'", resource));
        }
        var amzDate = Optional.ofNullable(headers.getFirst("x-amz-date")).orElse("");
        if (!amzDate.startsWith(credential[1]) || !credential[3].equals("s3") || !credential[4].equals("aws4_request")) {
            return Optional.of(error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; "
                    + "the date, service or terminal of the credential scope is wrong", resource));
        }
        var payload = headers.getFirst("x-amz-content-sha256");
        if (payload == null) {
            return Optional.of(error(400, "InvalidRequest", "Missing required header for this request: "
                    + "x-amz-content-sha256", resource));
        }
        var signed = List.of(signedHeaders.split(";"));
        for (var name : headers.keySet()) {
            var lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !signed.contains(lower)) {
                return Optional.of(error(403, "AccessDenied", "There were headers present in the request which were "
                        + "not signed", resource));
            }
        }
        var canonicalHeaders = new StringBuilder();
        for (var name : signed) {
            var values = headers.get(name);
            canonicalHeaders.append(name).append(':').append(values == null ? "" : values.stream()
                    .map(v -> v.strip().replaceAll(" +", " ")).collect(Collectors.joining(","))).append('\n');
        }
        var canonicalRequest = method + "\n" + canonicalUri(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + payload;
        var scope = credential[1] + "/" + credential[2] + "/" + credential[3] + "/" + credential[4];
        var stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HexFormat.of().formatHex(digest("SHA-256", canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        var key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), credential[1]);
        for (var step : List.of(credential[2], credential[3], credential[4])) {
            key = hmac(key, step);
        }
        var expected = HexFormat.of().formatHex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(error(403, "SignatureDoesNotMatch", "The request signature we calculated does not "
                    + "match the signature you provided. Check your key and signing method.", resource));
        }
        var computed = HexFormat.of().formatHex(digest("SHA-256", body));
        if (!payload.equals(UNSIGNED) && !payload.equals(computed)) {
            return Optional.of(error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header "
                    + "does not match what was computed.", resource));
        }
        return Optional.empty();
    }

    /** The path as received, each segment decoded and encoded again as SigV4 encodes it. */
    private static String canonicalUri(String rawPath) {
        var segments = rawPath.split("/", -1);
        var out = new ArrayList<String>();
        for (var segment : segments) {
            out.add(sigv4Encode(percentDecode(segment), true));
        }
        return String.join("/", out);
    }

    /** The query as received: each name and value decoded and encoded again, sorted by name, then value. */
    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        var pairs = new TreeMap<String, List<String>>();
        for (var pair : rawQuery.split("&")) {
            var eq = pair.indexOf('=');
            var name = sigv4Encode(percentDecode(eq < 0 ? pair : pair.substring(0, eq)), true);
            var value = sigv4Encode(percentDecode(eq < 0 ? "" : pair.substring(eq + 1)), true);
            pairs.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return pairs.entrySet().stream().flatMap(e -> e.getValue().stream().sorted().map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 percent-decoding; a {@code +} stays a plus (it is not a form). */
    private static String percentDecode(String text) {
        var out = new ByteArrayOutputStream();
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length) {
                out.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Unreserved characters as they are, every other byte as {@code %XY}. */
    private static String sigv4Encode(String text, boolean encodeSlash) {
        var out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            var unreserved = Character.isLetterOrDigit(b) && b > 0 || "-._~".indexOf(b) >= 0 || b == '/' && !encodeSlash;
            out.append(unreserved ? String.valueOf((char) b) : "%" + HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private Answer error(int status, String code, String message, String resource) {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + escape(message) + "</Message><Resource>" + escape(resource) + "</Resource><RequestId>"
                + Long.toHexString(requestIds.incrementAndGet()).toUpperCase(Locale.ROOT) + "</RequestId></Error>";
        return Answer.bytes(status, xml.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/xml"));
    }

    private static String etag(byte[] body) {
        return "\"" + HexFormat.of().formatHex(digest("MD5", body)) + "\"";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        return Hmac.sha256(key, data.getBytes(StandardCharsets.UTF_8));
    }
}
