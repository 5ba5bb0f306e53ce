package dev.labgate.lab.kernelci;

import dev.labgate.core.lab.LabException;

import java.util.regex.Pattern;

/**
 * What labgate keeps of a KernelCI run in {@code LabRun.externalId}, so that any replica can poll
 * and clean it up: the Maestro tree id, the tested commit and the lab branch it was pushed to,
 * written {@code <tree id>:<commit>:<branch>} (git branch names cannot hold a colon).
 */
record KernelCiHandle(String treeId, String commit, String branch) {

    private static final Pattern TREE_ID = Pattern.compile("[0-9A-Za-z]+");

    String externalId() {
        return treeId + ":" + commit + ":" + branch;
    }

    static KernelCiHandle parse(String externalId) {
        var parts = externalId.split(":", 3);
        if (parts.length != 3 || !TREE_ID.matcher(parts[0]).matches() || !KernelCiLab.COMMIT.matcher(parts[1])
                .matches() || parts[2].isBlank()) {
            throw new LabException("'" + externalId + "' is not a KernelCI run handle written by labgate", false);
        }
        return new KernelCiHandle(parts[0], parts[1], parts[2]);
    }
}
