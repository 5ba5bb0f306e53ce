package dev.labgate.core.kcidb;

import java.util.List;
import java.util.Map;

/** A build of a checkout. Required: {@code id}, {@code checkoutId}, {@code origin}. */
public record Build(String id, String checkoutId, String origin, String comment, String startTime, Number duration,
                    String architecture, String command, String compiler, List<Resource> inputFiles,
                    List<Resource> outputFiles, String configName, String configUrl, String logUrl,
                    String logExcerpt, Status status, Map<String, Object> misc, String timestamp) {

    public static Build of(String id, String checkoutId, String origin) {
        return new Build(id, checkoutId, origin, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    public Build withStatus(Status newStatus) {
        return new Build(id, checkoutId, origin, comment, startTime, duration, architecture, command, compiler,
                inputFiles, outputFiles, configName, configUrl, logUrl, logExcerpt, newStatus, misc, timestamp);
    }

    public Build withConfig(String newArchitecture, String newConfigName) {
        return new Build(id, checkoutId, origin, comment, startTime, duration, newArchitecture, command, compiler,
                inputFiles, outputFiles, newConfigName, configUrl, logUrl, logExcerpt, status, misc, timestamp);
    }

    public Build withLog(String newLogUrl, String newLogExcerpt) {
        return new Build(id, checkoutId, origin, comment, startTime, duration, architecture, command, compiler,
                inputFiles, outputFiles, configName, configUrl, newLogUrl, newLogExcerpt, status, misc, timestamp);
    }
}
