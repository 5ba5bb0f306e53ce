package dev.labgate.bot;

import dev.labgate.lab.sandbox.SandboxSetup;
import dev.labgate.lab.sandbox.Unconfined;

/**
 * What the operator is told about a command lab's sandbox, in the start log, by {@code config
 * check} and in an action's job log: how the command is confined, loudly that it is not
 * ({@code sandbox: none}), or why its runs will end as errors.
 */
public record SandboxReport(Level level, String text) {

    public enum Level { INFO, WARNING, ERROR }

    public static SandboxReport of(String lab, SandboxSetup setup) {
        if (setup instanceof SandboxSetup.Refused refused) {
            return new SandboxReport(Level.ERROR, "lab " + lab + ": no sandbox can start on this host: "
                    + refused.reason());
        }
        var sandbox = ((SandboxSetup.Ready) setup).sandbox();
        if (sandbox instanceof Unconfined) {
            return new SandboxReport(Level.WARNING, "lab " + lab + " runs the change's code WITHOUT A SANDBOX "
                    + "(sandbox: none): it runs as labgate's own user and can read labgate's secrets, database and "
                    + "keys, and act as labgate; only for code as trusted as labgate itself");
        }
        return new SandboxReport(Level.INFO, "lab " + lab + ": commands run in " + sandbox.description());
    }
}
