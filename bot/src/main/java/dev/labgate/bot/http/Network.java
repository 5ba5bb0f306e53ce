package dev.labgate.bot.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a range of one. */
final class Network {

    private final byte[] base;
    private final int prefix;
    private final String text;

    private Network(byte[] base, int prefix, String text) {
        this.base = base;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses a range; a host name is refused, so that reading the setting never asks DNS. */
    static Network parse(String text) {
        var trimmed = text.strip();
        var slash = trimmed.indexOf('/');
        var address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        var literal = address.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                || address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!literal) {
            throw new IllegalArgumentException("labgate.pages.allowed-networks: '" + text
                    + "' is not an IP address or range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("labgate.pages.allowed-networks: '" + text + "' is not an IP address", e);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("labgate.pages.allowed-networks: '" + text
                        + "' has a prefix length outside 0.." + bits);
            }
        }
        return new Network(bytes, prefix, trimmed);
    }

    boolean contains(InetAddress address) {
        var bytes = address.getAddress();
        if (bytes.length != base.length) {
            return false;
        }
        int full = prefix / 8;
        if (!Arrays.equals(bytes, 0, full, base, 0, full)) {
            return false;
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (base[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
