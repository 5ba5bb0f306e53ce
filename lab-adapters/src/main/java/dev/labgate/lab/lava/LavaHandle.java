package dev.labgate.lab.lava;

import dev.labgate.core.lab.LabException;

/**
 * What labgate keeps of a LAVA run in {@code LabRun.externalId}: labgate's run id (for the callback
 * token and the KCIDB ids) and LAVA's job id, written {@code <run id>:<job id>}.
 */
record LavaHandle(String runId, String jobId) {

    String externalId() {
        return runId + ":" + jobId;
    }

    static LavaHandle parse(String externalId) {
        int colon = externalId.lastIndexOf(':');
        if (colon <= 0 || colon == externalId.length() - 1 || !externalId.substring(colon + 1).matches("[0-9.]+")) {
            throw new LabException("'" + externalId + "' is not a LAVA run handle written by labgate", false);
        }
        return new LavaHandle(externalId.substring(0, colon), externalId.substring(colon + 1));
    }
}
