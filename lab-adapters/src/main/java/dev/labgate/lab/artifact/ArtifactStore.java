package dev.labgate.lab.artifact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files runs publish for later stages, one directory per run ({@code <root>/<run>/<token>/<file>}),
 * each run's list in {@code <root>/<run>/<token>/SHA256SUMS} ({@code sha256sum -c} reads it). The root
 * is under labgate's data directory (labgate serves it at {@code <public URL>/artifacts/}) or a
 * directory another web server publishes at its own URL; either way a file's URL is
 * {@code <base URL>/<run>/<token>/<file>}. The token is an HMAC of the run id under labgate's secret
 * key: run ids appear on the run pages, so a URL without it could be guessed; with it, only whoever
 * was given a run's URLs (the lab of its later stage, a viewer of its page) can download its files.
 *
 * <p>With an {@link S3Bucket}, each publication is also uploaded to it, under
 * {@code <prefix><run>/<token>/<file>}, and the URLs are the bucket's: the files one by one, then
 * {@code SHA256SUMS}, before the local copy is moved in place. An upload that fails fails the
 * publication (what it had uploaded is deleted, as far as the bucket lets labgate), so a run is
 * published everywhere or nowhere. A replica that did not publish a run reads its list from the
 * bucket; the retention deletes the bucket's objects with the local copies.
 *
 * <p>A run's files are replaced as a whole: they are written to a hidden directory and moved in
 * place, so a reader sees either the old set or the new one, and only files named in
 * {@code SHA256SUMS} are ever served. The files come from a build the change's code ran, so a
 * candidate is kept only when it is a regular file reached without a symbolic link from the
 * directory the caller names, is read without following links, and stops being copied at the
 * size limit; anything else is left out, and the publication says why. Runs older than the
 * retention period are deleted by {@link #deleteOlderThan}. Thread-safe: publications of different
 * runs do not touch each other, and one run is published by one task at a time.
 */
public final class ArtifactStore {

    public static final String CHECKSUMS = "SHA256SUMS";

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9_.+-]*(/[A-Za-z0-9_+-][A-Za-z0-9_.+-]*)*");
    private static final int MAX_NAME = 255;
    private static final int MIN_KEY_BYTES = 32;
    private static final String PURPOSE = "labgate artifacts\n";
    /** Hex digits of the run's HMAC in its URLs: 128 bits. */
    private static final int TOKEN_HEX = 32;

    /** A file a run wants published under {@code name}. */
    public record Candidate(String name, Path file) {
        public Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
        }
    }

    /** A published file: its name under the run, SHA-256 (64 hex) and size. */
    public record Stored(String name, String sha256, long size) {
    }

    /**
     * What a publication kept, and what it left out with why (for the build's report).
     *
     * @param leftOut one sentence per file that was not kept
     */
    public record Publication(List<Stored> kept, List<String> leftOut) {
        public Publication {
            kept = List.copyOf(kept);
            leftOut = List.copyOf(leftOut);
        }
    }

    /** A published file ready to be read: where it is on disk, and what it is. */
    public record Served(Path path, Stored file) {
    }

    private final Path root;
    private final Optional<String> baseUrl;
    private final long maxFileBytes;
    private final SecretKeySpec key;
    private final Optional<S3Bucket> bucket;

    /**
     * @param baseUrl where {@code root} is served ({@code <public URL>/artifacts} or the publishing
     *                server's URL); empty when nothing serves it, and then files have no URL
     * @param maxFileBytes the largest file kept
     * @param key the secret the runs' URL tokens derive from (at least 32 bytes, the same on every
     *            replica, since any of them may be asked for a file)
     * @param bucket where every publication is uploaded too, and downloaded from; empty for none
     */
    public ArtifactStore(Path root, Optional<String> baseUrl, long maxFileBytes, byte[] key, Optional<S3Bucket> bucket) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the artifact key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.root = root.toAbsolutePath().normalize();
        this.baseUrl = baseUrl.map(u -> u.replaceAll("/+$", ""));
        this.maxFileBytes = maxFileBytes;
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.bucket = bucket;
    }

    public Path root() {
        return root;
    }

    public long maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * Publishes a run's files, replacing any it published before. Files that are missing are
     * skipped silently (a build that failed early has no image); files over the limit, and files
     * that are not regular files reached from {@code within} without a symbolic link, are left out
     * with the reason.
     *
     * @param within the directory every candidate must be in (the run's own directory): a file the
     *               change's code linked to from elsewhere (labgate's data, {@code /proc/self/environ})
     *               is never copied
     * @throws UncheckedIOException when the store cannot be written
     * @throws BucketException when the bucket did not take the files (nothing of this publication is served)
     */
    public Publication publish(String runId, Path within, List<Candidate> files) {
        requireRun(runId);
        var incoming = root.resolve("." + runId + "-" + UUID.randomUUID());
        var kept = new ArrayList<Stored>();
        var leftOut = new ArrayList<String>();
        try {
            var base = within.toRealPath();
            var target = Files.createDirectories(incoming.resolve(token(runId)));
            var sums = new StringBuilder();
            for (var candidate : files) {
                if (!validName(candidate.name())) {
                    throw new IllegalArgumentException("'" + candidate.name() + "' is not an artifact name");
                }
                var file = candidate.file().toAbsolutePath().normalize();
                if (!file.startsWith(within.toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException(file + " is not in " + within);
                }
                if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!reachedWithoutLinks(base, within, file)) {
                    leftOut.add(candidate.name() + " is a symbolic link or under one, and was not kept");
                    continue;
                }
                var size = Files.size(file);
                if (size > maxFileBytes) {
                    leftOut.add(candidate.name() + " is " + bytes(size) + ", over the limit of " + bytes(maxFileBytes)
                            + " for an artifact (artifacts.max-size), and was not kept");
                    continue;
                }
                var copy = target.resolve(candidate.name());
                Files.createDirectories(copy.getParent());
                var stored = copy(candidate.name(), file, copy);
                if (stored.isEmpty()) {
                    Files.delete(copy);
                    leftOut.add(candidate.name() + " grew past the limit of " + bytes(maxFileBytes)
                            + " for an artifact (artifacts.max-size) while it was copied, and was not kept");
                    continue;
                }
                kept.add(stored.get());
                sums.append(stored.get().sha256()).append("  ").append(candidate.name()).append('\n');
            }
            Files.writeString(target.resolve(CHECKSUMS), sums);
            if (bucket.isPresent()) {
                upload(bucket.get(), runId, target, kept);
            }
            var published = root.resolve(runId);
            deleteTree(published);
            Files.move(incoming, published, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            quietlyDelete(incoming);
            throw new UncheckedIOException("cannot publish the artifacts of run " + runId + " in " + root, e);
        } catch (BucketException e) {
            quietlyDelete(incoming);
            throw e;
        }
        return new Publication(kept, leftOut);
    }

    /**
     * Uploads a publication: its files, then {@code SHA256SUMS}, which marks it complete. When one
     * upload fails, what went up is deleted again (best effort: the retention deletes what stays).
     */
    private void upload(S3Bucket to, String runId, Path dir, List<Stored> files) throws IOException {
        var base = runId + "/" + token(runId) + "/";
        var all = new ArrayList<>(files);
        all.add(new Stored(CHECKSUMS, sha256(dir.resolve(CHECKSUMS)), Files.size(dir.resolve(CHECKSUMS))));
        var uploaded = new ArrayList<String>();
        for (var file : all) {
            try {
                to.put(base + file.name(), dir.resolve(file.name()), file.sha256(), contentType(file.name()));
                uploaded.add(base + file.name());
            } catch (BucketException e) {
                for (var key : uploaded) {
                    try {
                        to.delete(key);
                    } catch (BucketException ignored) {
                        // The bucket keeps it until the retention; without SHA256SUMS no one is given its URL.
                    }
                }
                throw new BucketException("cannot upload " + file.name() + ": " + e.getMessage(),
                        e.retryable(), e.retryAfter(), e);
            }
        }
        LOG.info("run {}: uploaded {} artifacts and their {} to {}", runId, files.size(), CHECKSUMS, to);
    }

    /** The type a file is served with: text for logs, configurations and checksums, bytes for the rest. */
    public static String contentType(String name) {
        var text = name.endsWith(".log") || name.endsWith(".config") || name.equals(CHECKSUMS);
        return text ? "text/plain; charset=utf-8" : "application/octet-stream";
    }

    /** Whether {@code file}, lexically under {@code within}, is a regular file with no link on the way. */
    private static boolean reachedWithoutLinks(Path realBase, Path within, Path file) throws IOException {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && file.toRealPath().equals(realBase.resolve(within.toAbsolutePath().normalize().relativize(file)));
    }

    /**
     * Copies at most the size limit, without following a link, hashing as it goes; empty when more
     * was read (a file still being written is measured by what was read, not by what it said).
     */
    private Optional<Stored> copy(String name, Path from, Path to) throws IOException {
        var digest = sha256Digest();
        long size = 0;
        try (InputStream in = Files.newInputStream(from, LinkOption.NOFOLLOW_LINKS);
             var out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW)) {
            var buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                size += n;
                if (size > maxFileBytes) {
                    return Optional.empty();
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return Optional.of(new Stored(name, HexFormat.of().formatHex(digest.digest()), size));
    }

    /**
     * The files a run published, in the order they were published; empty when it has none (or they
     * expired). With a bucket, a run this replica did not publish is read from the bucket.
     *
     * @throws BucketException when the bucket must be asked and cannot say
     */
    public List<Stored> files(String runId) {
        if (!RUN.matcher(runId).matches()) {
            return List.of();
        }
        return kept(runId).orElseGet(() -> bucket.map(b -> uploaded(b, runId)).orElse(List.of()));
    }

    /** The files of a run published here, as its local {@code SHA256SUMS} lists them; empty when it has none. */
    private Optional<List<Stored>> kept(String runId) {
        var dir = root.resolve(runId).resolve(token(runId));
        var sums = dir.resolve(CHECKSUMS);
        if (!Files.isRegularFile(sums)) {
            return Optional.empty();
        }
        try {
            var stored = new ArrayList<Stored>();
            for (var line : Files.readAllLines(sums, StandardCharsets.UTF_8)) {
                var gap = line.indexOf("  ");
                if (gap != 64) {
                    continue;
                }
                var name = line.substring(66);
                var file = dir.resolve(name);
                if (validName(name) && Files.isRegularFile(file)) {
                    stored.add(new Stored(name, line.substring(0, 64), Files.size(file)));
                }
            }
            return Optional.of(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifacts of run " + runId, e);
        }
    }

    /** A run's files as its {@code SHA256SUMS} in the bucket lists them, with the sizes the bucket gives. */
    private List<Stored> uploaded(S3Bucket from, String runId) {
        var base = runId + "/" + token(runId) + "/";
        var listed = from.get(base + CHECKSUMS);
        if (listed.isEmpty()) {
            return List.of();
        }
        var sizes = new HashMap<String, Long>();
        from.list(base).forEach(object -> sizes.put(object.key().substring(base.length()), object.size()));
        var stored = new ArrayList<Stored>();
        for (var line : new String(listed.get(), StandardCharsets.UTF_8).split("\n")) {
            var name = line.length() > 66 && line.indexOf("  ") == 64 ? line.substring(66) : "";
            if (validName(name) && sizes.containsKey(name)) {
                stored.add(new Stored(name, line.substring(0, 64), sizes.get(name)));
            }
        }
        return stored;
    }

    /** Where a published file can be downloaded; empty when nothing serves the store. */
    public Optional<String> url(String runId, String name) {
        return bucket.map(b -> b.url(runId + "/" + token(runId) + "/" + name))
                .or(() -> url(runId).map(dir -> dir + "/" + name));
    }

    /** The directory URL of a run's files, with its token; empty when nothing serves the store. */
    public Optional<String> url(String runId) {
        return bucket.map(b -> b.url(runId + "/" + token(runId)))
                .or(() -> baseUrl.map(base -> base + "/" + runId + "/" + token(runId)));
    }

    /**
     * A published file of a run asked for by URL: empty unless {@code token} is the run's (compared
     * in constant time), and otherwise as {@link #find(String, String)}.
     */
    public Optional<Served> find(String runId, String token, String name) {
        if (!RUN.matcher(runId).matches() || !MessageDigest.isEqual(token(runId).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return find(runId, name);
    }

    /**
     * A file of a run published on this host, or its {@code SHA256SUMS} (never asked of the bucket:
     * what a probe of {@code /artifacts} reads stays local). Anything else (a path that leaves the
     * run's directory, a file not in its list, a publication in progress) is empty.
     */
    public Optional<Served> find(String runId, String name) {
        if (!RUN.matcher(runId).matches() || !validName(name)) {
            return Optional.empty();
        }
        var dir = root.resolve(runId).resolve(token(runId));
        if (CHECKSUMS.equals(name)) {
            var sums = dir.resolve(CHECKSUMS);
            try {
                return Files.isRegularFile(sums) ? Optional.of(new Served(sums, new Stored(CHECKSUMS, sha256(sums),
                        Files.size(sums)))) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return kept(runId).orElse(List.of()).stream().filter(f -> f.name().equals(name)).findFirst()
                .map(f -> new Served(dir.resolve(name), f));
    }

    /**
     * Deletes the files of every run published before {@code cutoff}, and publications abandoned
     * before it, here and in the bucket; returns how many runs it deleted.
     *
     * @throws BucketException when the bucket cannot be listed or refuses a deletion (the next sweep tries again)
     */
    public int deleteOlderThan(Instant cutoff) {
        var deleted = new HashSet<String>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                for (var dir : entries.filter(Files::isDirectory).toList()) {
                    var name = dir.getFileName().toString();
                    var marker = RUN.matcher(name).matches() ? dir.resolve(token(name)).resolve(CHECKSUMS) : dir;
                    var at = Files.getLastModifiedTime(Files.isRegularFile(marker) ? marker : dir).toInstant();
                    if (at.isBefore(cutoff)) {
                        deleteTree(dir);
                        if (!name.startsWith(".")) {
                            deleted.add(name);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear old artifacts in " + root, e);
            }
        }
        bucket.ifPresent(b -> deleted.addAll(deleteUploadedBefore(b, cutoff)));
        if (!deleted.isEmpty()) {
            LOG.info("deleted the artifacts of {} runs published before {}", deleted.size(), cutoff);
        }
        return deleted.size();
    }

    /**
     * Deletes the bucket's objects of runs uploaded before {@code cutoff}: a run's time is its
     * {@code SHA256SUMS}'s, or its newest object's when an upload was abandoned before it. Only keys
     * labgate writes ({@code <run>/<the run's token>/...}) are touched; anything else under the
     * prefix is left alone. Returns the runs deleted.
     */
    private Set<String> deleteUploadedBefore(S3Bucket from, Instant cutoff) {
        var runs = new LinkedHashMap<String, List<S3Bucket.StoredObject>>();
        for (var object : from.list("")) {
            var parts = object.key().split("/", 3);
            if (parts.length == 3 && RUN.matcher(parts[0]).matches() && parts[1].equals(token(parts[0]))) {
                runs.computeIfAbsent(parts[0], r -> new ArrayList<>()).add(object);
            }
        }
        var deleted = new HashSet<String>();
        for (var run : runs.entrySet()) {
            var objects = run.getValue();
            var at = objects.stream().filter(ArtifactStore::isChecksums).map(S3Bucket.StoredObject::lastModified)
                    .findFirst().orElseGet(() -> objects.stream().map(S3Bucket.StoredObject::lastModified)
                            .max(Comparator.naturalOrder()).orElseThrow());
            if (at.isBefore(cutoff)) {
                // SHA256SUMS first: a run half deleted is no longer listed, so never handed to a lab.
                objects.stream().sorted(Comparator.comparing(o -> !isChecksums(o))).forEach(o -> from.delete(o.key()));
                deleted.add(run.getKey());
            }
        }
        return deleted;
    }

    /** Whether an object is a run's {@code <run>/<token>/SHA256SUMS}. */
    private static boolean isChecksums(S3Bucket.StoredObject object) {
        var parts = object.key().split("/", 3);
        return parts.length == 3 && parts[2].equals(CHECKSUMS);
    }

    /** Whether {@code name} can be an artifact's path under its run: plain segments, no {@code ..}, no hidden files. */
    public static boolean validName(String name) {
        return name.length() <= MAX_NAME && NAME.matcher(name).matches()
                && Stream.of(name.split("/")).noneMatch(s -> s.equals("..") || s.equals("."));
    }

    /** The part of a run's URLs that proves it was given them: an HMAC of the run id, in hex. */
    String token(String runId) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((PURPOSE + runId).getBytes(StandardCharsets.UTF_8)))
                    .substring(0, TOKEN_HEX);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The SHA-256 of a file, as 64 lowercase hex digits. */
    public static String sha256(Path file) throws IOException {
        var digest = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            var buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A size as people read it: {@code 2.1 GiB}, {@code 640 KiB}, {@code 1025 bytes}. */
    static String bytes(long size) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (size < 10 * 1024) {
            return size + " bytes";
        }
        double value = size;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value)) + " "
                + units[unit];
    }

    private static void requireRun(String runId) {
        if (!RUN.matcher(runId).matches()) {
            throw new IllegalArgumentException("'" + runId + "' is not a run id");
        }
    }

    private static void quietlyDelete(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
