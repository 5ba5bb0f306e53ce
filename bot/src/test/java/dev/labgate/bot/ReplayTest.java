package dev.labgate.bot;

import dev.labgate.bot.cli.ReplayCommand;
import dev.labgate.bot.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** labgate replay against the running service: the delivery goes through the real intake checks. */
class ReplayTest {

    @TempDir
    Path tmp;

    private Scenario scenario;
    private RunningLabgate labgate;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        scenario = new Scenario(tmp, "true");
        labgate = new RunningLabgate(scenario.properties());
    }

    @AfterEach
    void stop() {
        labgate.close();
        scenario.close();
    }

    private int replay(Map<String, String> env, String... args) {
        var cli = new CommandLine(new ReplayCommand(env::get));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private long stored(String forge) {
        return labgate.bean(Database.class).queryOne("select count(*) from deliveries where forge = ?",
                rs -> rs.getLong(1), forge).orElseThrow();
    }

    @Test
    void a_saved_github_delivery_is_signed_stored_once_and_its_second_replay_is_a_duplicate() throws IOException {
        var body = file("ping.json", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":7}");
        var env = Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", Scenario.SECRET + ",older-secret");

        assertThat(replay(env, body.toString(), "--event", "ping", "--url", labgate.url().toString(),
                "--delivery", "replayed-1")).isEqualTo(0);
        assertThat(replay(env, body.toString(), "--event", "ping", "--url", labgate.url().toString(),
                "--delivery", "replayed-1")).isEqualTo(0);

        assertThat(out.toString()).contains("github delivery replayed-1 (ping, ").contains(": 202")
                .contains(": 200");
        assertThat(stored("github")).isEqualTo(1);
    }

    @Test
    void without_a_url_it_finds_the_address_the_service_noted_in_its_data_directory() throws IOException {
        var body = file("ping.json", "{\"zen\":\"x\"}");
        var dataDir = Path.of((String) scenario.properties().get("labgate.data-dir"));
        assertThat(Files.readString(dataDir.resolve(LabgateSettings.ADDRESS_FILE)).strip())
                .isEqualTo(labgate.url().toString().replaceAll("/+$", ""));

        var env = Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", Scenario.SECRET, "LABGATE_DATA_DIR", dataDir.toString());
        assertThat(replay(env, body.toString(), "--event", "ping")).as(err.toString()).isEqualTo(0);
        assertThat(out.toString()).contains("to " + labgate.url().toString().replaceAll("/+$", "") + "/webhooks/github: 202");
    }

    @Test
    void a_gitlab_delivery_carries_the_token_and_an_idempotency_key() throws IOException {
        var body = file("push.json", "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}");
        var secret = file("token", Scenario.SECRET + "\n");

        assertThat(replay(Map.of(), body.toString(), "--forge", "gitlab", "--event", "Push Hook", "--url",
                labgate.url().toString(), "--secret-file", secret.toString())).isEqualTo(0);

        assertThat(out.toString()).contains("gitlab delivery ").contains(": 202");
        assertThat(stored("gitlab")).isEqualTo(1);
    }

    @Test
    void a_wrong_secret_is_refused_by_the_service_and_nothing_is_stored() throws IOException {
        var body = file("ping.json", "{\"zen\":\"x\"}");

        assertThat(replay(Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", "not-the-secret"), body.toString(),
                "--event", "ping", "--url", labgate.url().toString())).isEqualTo(1);

        assertThat(err.toString()).contains(": 401").contains("signature does not match")
                .doesNotContain("not-the-secret");
        assertThat(stored("github")).isZero();
    }

    @Test
    void without_a_secret_or_a_service_it_says_what_is_missing() throws IOException {
        var body = file("ping.json", "{}");
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThat(replay(Map.of(), body.toString(), "--event", "ping")).isEqualTo(64);
        assertThat(replay(Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", "s"), body.toString(), "--event", "ping",
                "--url", "http://127.0.0.1:" + closedPort)).isEqualTo(2);
        assertThat(replay(Map.of("LABGATE_GITHUB_WEBHOOK_SECRETS", "s"), tmp.resolve("gone.json").toString(),
                "--event", "ping")).isEqualTo(64);

        assertThat(err.toString()).contains("no webhook secret: give --secret-file, or set "
                        + "LABGATE_GITHUB_WEBHOOK_SECRETS")
                .contains("nothing answers at http://127.0.0.1:" + closedPort + "/webhooks/github")
                .contains("gone.json: no such file").doesNotContain("Exception");
    }
}
