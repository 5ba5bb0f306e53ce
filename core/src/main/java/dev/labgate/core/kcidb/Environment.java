package dev.labgate.core.kcidb;

import java.util.List;
import java.util.Map;

/** Where a test ran: a host, a lab, a board. */
public record Environment(String comment, List<String> compatible, Map<String, Object> misc) {
}
