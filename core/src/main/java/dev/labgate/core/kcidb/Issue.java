package dev.labgate.core.kcidb;

import java.util.List;
import java.util.Map;

/** A known problem, in some version. Required: {@code id}, {@code version}, {@code origin}. */
public record Issue(String id, Integer version, String origin, String reportUrl, String reportSubject,
                    Culprit culprit, String comment, Map<String, Object> misc, List<String> categories,
                    String timestamp) {
}
