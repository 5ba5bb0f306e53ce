package dev.labgate.bot.store;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Delivery bodies as stored: LZ4-compressed. Webhook JSON shrinks about eight-fold (23.6 KB to
 * 3.0 KB for a pull_request), which saves the database far more in writing than the ~8 µs it costs
 * the intake; deflate at its fastest level shrank it a little more (2.7 KB) for ~28 µs, a tenth of
 * what the intake spends on a delivery (docs/benchmarks.md). Bodies stored deflated before are
 * still read.
 */
public final class DeliveryBodies {

    public static final String LZ4 = "lz4";
    public static final String DEFLATE = "deflate";
    public static final String IDENTITY = "identity";

    /** A body ready to store. */
    public record Encoded(String encoding, byte[] bytes) {
    }

    /** A compressor keeps its hash table between calls: one per thread. */
    private static final ThreadLocal<Lz4Compressor> COMPRESSORS = ThreadLocal.withInitial(Lz4Compressor::new);
    private static final Lz4Decompressor DECOMPRESSOR = new Lz4Decompressor();
    /** Room to compress into, per thread, for bodies up to about this size (most webhook payloads). */
    private static final int SCRATCH_BYTES = 128 * 1024;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(() -> new Inflater(true));
    /** A stored LZ4 body: the original length, then the LZ4 block. */
    private static final int LENGTH = Integer.BYTES;

    private DeliveryBodies() {
    }

    public static Encoded encode(byte[] body) {
        var compressor = COMPRESSORS.get();
        int room = LENGTH + compressor.maxCompressedLength(body.length);
        // The worst case is larger than the body; only what the block needs is copied out of it.
        var out = room <= SCRATCH_BYTES ? SCRATCH.get() : new byte[room];
        ByteBuffer.wrap(out).putInt(body.length);
        int size = LENGTH + compressor.compress(body, 0, body.length, out, LENGTH, room - LENGTH);
        return size < body.length ? new Encoded(LZ4, Arrays.copyOf(out, size)) : new Encoded(IDENTITY, body);
    }

    public static byte[] decode(String encoding, byte[] stored) {
        if (IDENTITY.equals(encoding)) {
            return stored;
        }
        if (LZ4.equals(encoding)) {
            return lz4(stored);
        }
        if (!DEFLATE.equals(encoding)) {
            throw new IllegalStateException("unknown body encoding '" + encoding + "'");
        }
        var inflater = INFLATERS.get();
        inflater.reset();
        inflater.setInput(stored);
        var out = new ByteArrayOutputStream(stored.length * 8);
        var buffer = new byte[16384];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a stored delivery body is truncated");
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("a stored delivery body is corrupt: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static byte[] lz4(byte[] stored) {
        int length = stored.length < LENGTH ? -1 : ByteBuffer.wrap(stored).getInt();
        // An LZ4 block expands at most 255-fold; a larger length is a corrupt row, not a huge body.
        if (length < 0 || length > 255L * stored.length) {
            throw new IllegalStateException("a stored delivery body is corrupt: bad length");
        }
        var body = new byte[length];
        try {
            if (DECOMPRESSOR.decompress(stored, LENGTH, stored.length - LENGTH, body, 0, length) != length) {
                throw new IllegalStateException("a stored delivery body is truncated");
            }
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored delivery body is truncated or corrupt: " + e.getMessage(), e);
        }
        return body;
    }
}
