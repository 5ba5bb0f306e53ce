package dev.labgate.flow;

import dev.labgate.core.forge.Forge;
import dev.labgate.forge.github.GitHubForge;
import dev.labgate.forge.github.GitHubSettings;
import dev.labgate.testkit.FakeForge;
import dev.labgate.testkit.FakeGitHub;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The flow's forge scenarios on GitHub as a GitHub App: statuses are check runs, tokens are minted from the App's key. */
class GitHubAppFlowContractTest extends FlowContract {

    private static final KeyPair KEY = rsa();

    @Override
    protected FakeForge newFake() throws Exception {
        return new FakeGitHub().app("31337", "labgate", KEY.getPublic()).installation("acme", 99);
    }

    @Override
    protected Forge newForge(FakeForge fake, Clock clock) {
        var pem = new StringWriter();
        try (var writer = new JcaPEMWriter(pem)) {
            writer.writeObject(KEY);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new GitHubForge(new GitHubSettings("github", fake.url(), URI.create("https://github.example"),
                List.of(FlowWorld.SECRET), null, null, Optional.of(new GitHubSettings.App("31337", pem.toString())),
                100), clock);
    }

    private static KeyPair rsa() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
