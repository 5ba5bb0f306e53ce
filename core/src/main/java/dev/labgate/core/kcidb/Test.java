package dev.labgate.core.kcidb;

import java.util.List;
import java.util.Map;

/**
 * One test execution on a build. Required: {@code id}, {@code buildId}, {@code origin}.
 * {@code path} is dot-separated ({@code kunit.example.test_one}); the empty string is the root.
 */
public record Test(String id, String buildId, String origin, Environment environment, String path, String comment,
                   String logUrl, String logExcerpt, Status status, TestNumber number, String startTime,
                   Number duration, List<Resource> outputFiles, List<Resource> inputFiles, Map<String, Object> misc,
                   String timestamp) {

    public static Test of(String id, String buildId, String origin, String path, Status status) {
        return new Test(id, buildId, origin, null, path, null, null, null, status, null, null, null, null, null,
                null, null);
    }

    public Test withLog(String newLogUrl, String newLogExcerpt) {
        return new Test(id, buildId, origin, environment, path, comment, newLogUrl, newLogExcerpt, status, number,
                startTime, duration, outputFiles, inputFiles, misc, timestamp);
    }

    public Test withEnvironment(Environment newEnvironment) {
        return new Test(id, buildId, origin, newEnvironment, path, comment, logUrl, logExcerpt, status, number,
                startTime, duration, outputFiles, inputFiles, misc, timestamp);
    }

    public Test withTiming(String newStartTime, Number newDuration) {
        return new Test(id, buildId, origin, environment, path, comment, logUrl, logExcerpt, status, number,
                newStartTime, newDuration, outputFiles, inputFiles, misc, timestamp);
    }

    public Test withMisc(Map<String, Object> newMisc) {
        return new Test(id, buildId, origin, environment, path, comment, logUrl, logExcerpt, status, number,
                startTime, duration, outputFiles, inputFiles, newMisc, timestamp);
    }
}
