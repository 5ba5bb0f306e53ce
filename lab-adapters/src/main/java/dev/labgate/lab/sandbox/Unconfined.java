package dev.labgate.lab.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sandbox: none}: the command runs as labgate's own user and sees everything labgate's user
 * may read and reach: the database, the callback key, other runs, the network, and {@code /proc}
 * (where labgate's own environment, with its secrets, is). Only its environment is built from
 * nothing and its limits hold. For commands the operator trusts as much as labgate itself.
 */
public record Unconfined() implements Sandbox {

    /** Writes the process's own pid where the lab expects the sandbox's, then runs the rest with a fresh environment. */
    private static final String START = "echo \"{\\\"child-pid\\\": $$}\" >&3 && exec 3>&- && exec env -i \"$@\"";

    @Override
    public String description() {
        return "NO SANDBOX (sandbox: none): the command runs as labgate's own user, sees its files, its processes' "
                + "environment (with labgate's secrets) and the network";
    }

    @Override
    public void prepare(Workspace workspace) throws IOException {
        Files.createDirectories(workspace.tmp());
    }

    @Override
    public String objectsPath(Workspace workspace) {
        return workspace.objects().orElseThrow().toAbsolutePath().toString();
    }

    @Override
    public List<String> commandLine(Workspace workspace, String command, Map<String, String> env, Limits limits) {
        var line = new ArrayList<>(List.of("sh", "-c", START, "labgate-unconfined"));
        var environment = new TreeMap<String, String>();
        environment.put("HOME", workspace.tmp().toString());
        environment.put("TMPDIR", workspace.tmp().toString());
        environment.putAll(env);
        environment.forEach((name, value) -> line.add(name + "=" + value));
        line.addAll(limits.prlimit(false));
        line.addAll(List.of("sh", "-c", "cd \"$0\" && exec sh -c \"$1\"", workspace.tree().toString(), command));
        return line;
    }
}
