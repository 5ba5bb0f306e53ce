package dev.labgate.lab.sandbox;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** This host's bubblewrap for a test; the test is skipped, with the reason, where no sandbox can start. */
public final class RealBubblewrap {

    private RealBubblewrap() {
    }

    public static Sandbox sandbox(Path scratch) {
        return sandbox(scratch, false, List.of());
    }

    public static Sandbox sandbox(Path scratch, boolean network, List<Path> readOnly) {
        var setup = Bubblewrap.setUp(network, readOnly, scratch);
        assumeTrue(setup instanceof SandboxSetup.Ready, () -> "no sandbox on this host: "
                + ((SandboxSetup.Refused) setup).reason());
        return ((SandboxSetup.Ready) setup).sandbox();
    }
}
