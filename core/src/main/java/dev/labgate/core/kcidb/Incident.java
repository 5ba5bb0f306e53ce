package dev.labgate.core.kcidb;

import java.util.Map;

/**
 * An occurrence of an issue in a build or test. Required: {@code id}, {@code origin},
 * {@code issueId}, {@code issueVersion}.
 */
public record Incident(String id, String issueId, Integer issueVersion, String origin, String buildId, String testId,
                       Boolean present, String comment, Map<String, Object> misc, String timestamp) {
}
