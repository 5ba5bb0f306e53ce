package dev.labgate.forge.git;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.signing.ssh.SshSignerFactory;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.ZoneOffset;

/** An Ed25519 SSH key made in the test; commits are signed with JGit's SSH signer, as git signs them. */
final class SshTestKey {

    final Path privateKeyFile;
    final String publicKey;

    private SshTestKey(Path privateKeyFile, String publicKey) {
        this.privateKeyFile = privateKeyFile;
        this.publicKey = publicKey;
    }

    static SshTestKey create(Path directory, String name) {
        try {
            KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            var file = directory.resolve(name);
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, name, null, out);
            }
            return new SshTestKey(file, PublicKeyEntry.toString(pair.getPublic()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An allowed-signers line for this key. */
    String allowedSigner(String principal) {
        return principal + " namespaces=\"git\" " + publicKey + "\n";
    }

    byte[] sign(Repository repository, byte[] payload, Instant at) {
        try {
            var config = new Config();
            config.setString("gpg", null, "format", "ssh");
            var signature = new SshSignerFactory().create().sign(repository, new GpgConfig(config), payload,
                    new PersonIdent("A U Thor", "author@example.org", at, ZoneOffset.UTC),
                    privateKeyFile.toAbsolutePath().toString(), null);
            return signature.toExternalString().getBytes(StandardCharsets.US_ASCII);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
