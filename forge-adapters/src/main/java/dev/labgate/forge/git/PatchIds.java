package dev.labgate.forge.git;

import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@code git patch-id --stable}: a hash of a commit's diff against its first parent that ignores
 * whitespace, line numbers and file order, so that a rebased commit keeps its patch id and any
 * change to the patch gives another. The diff is made the way git makes it (Myers, three lines
 * of context, no rename detection) and hashed with git's algorithm.
 */
public final class PatchIds {

    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,(\\d+))? \\+\\d+(?:,(\\d+))? @@");

    private PatchIds() {
    }

    /** The patch id of {@code commit} in {@code repository}, 40 hex digits. */
    public static String of(Repository repository, RevWalk walk, RevCommit commit) throws IOException {
        var diff = new ByteArrayOutputStream();
        try (var formatter = new DiffFormatter(diff)) {
            formatter.setRepository(repository);
            formatter.setDiffAlgorithm(DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.MYERS));
            formatter.setDetectRenames(false);
            var parent = commit.getParentCount() > 0 ? walk.parseCommit(commit.getParent(0)).getTree() : null;
            formatter.format(parent, commit.getTree());
        }
        return ofDiff(diff.toByteArray());
    }

    /** The stable patch id of a unified diff in git's format, as {@code git patch-id --stable} computes it. */
    static String ofDiff(byte[] diff) {
        var ctx = sha1();
        var result = new byte[20];
        int before = -1;
        int after = -1;
        int patchLength = 0;
        for (var line : new String(diff, StandardCharsets.ISO_8859_1).split("(?<=\n)")) {
            if (line.isEmpty() || line.startsWith("\\ ") && line.length() > 12) {
                continue;
            }
            if (patchLength == 0 && !line.startsWith("diff ")) {
                continue;
            }
            if (before == -1) {
                if (line.startsWith("index ")) {
                    continue;
                } else if (line.startsWith("--- ")) {
                    before = 1;
                    after = 1;
                } else if (!Character.isLetter(line.charAt(0))) {
                    break;
                }
            }
            if (before == 0 && after == 0) {
                if (line.startsWith("@@ -")) {
                    var counts = hunkCounts(line);
                    before = counts[0];
                    after = counts[1];
                    continue;
                }
                if (!line.startsWith("diff ")) {
                    break;
                }
                flush(result, ctx);
                before = -1;
                after = -1;
            }
            char first = line.charAt(0);
            if (first == '-' || first == ' ') {
                before--;
            }
            if (first == '+' || first == ' ') {
                after--;
            }
            var stripped = line.replaceAll("\\s", "").getBytes(StandardCharsets.ISO_8859_1);
            patchLength += stripped.length;
            ctx.update(stripped);
        }
        flush(result, ctx);
        return HexFormat.of().formatHex(result);
    }

    /** The line counts of a hunk header {@code @@ -a,b +c,d @@}; a missing count is one. */
    private static int[] hunkCounts(String header) {
        var m = HUNK.matcher(header);
        if (!m.find()) {
            return new int[]{0, 0};
        }
        return new int[]{m.group(1) == null ? 1 : Integer.parseInt(m.group(1)),
                m.group(2) == null ? 1 : Integer.parseInt(m.group(2))};
    }

    /** Adds the digest of one file's part to the result (a 20-byte sum with carry), so file order does not matter. */
    private static void flush(byte[] result, MessageDigest ctx) {
        var hash = ctx.digest();
        int carry = 0;
        for (int i = 0; i < result.length; i++) {
            carry += (result[i] & 0xff) + (hash[i] & 0xff);
            result[i] = (byte) carry;
            carry >>= 8;
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
