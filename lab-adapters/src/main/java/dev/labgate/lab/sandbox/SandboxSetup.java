package dev.labgate.lab.sandbox;

/** What a lab's sandbox comes to on this host: one that runs, or the reason none can. */
public sealed interface SandboxSetup {

    record Ready(Sandbox sandbox) implements SandboxSetup {
    }

    record Refused(String reason) implements SandboxSetup {
    }
}
