package dev.labgate.bot.cli;

import dev.labgate.bot.Labgate;
import io.micronaut.runtime.Micronaut;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Callable;

/** {@code labgate serve}: the webhook service. Options override configuration and environment. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the service: take webhook deliveries, run them through the labs, report back.")
public final class ServeCommand implements Callable<Integer> {

    /** Returned when the server started: the process keeps running until it is stopped. */
    public static final int RUNNING = -1;

    @Option(names = "--port", description = "HTTP port (default 8080; env MICRONAUT_SERVER_PORT)")
    Integer port;

    @Option(names = "--data-dir", description = "where the embedded database and work directories live (default ./data)")
    Path dataDir;

    @Option(names = "--policy", description = "the policy file (default: policy/example.yml)")
    Path policy;

    @Option(names = "--database-url", description = "a jdbc:postgresql:// URL for production (default: embedded H2)")
    String databaseUrl;

    @Override
    public Integer call() {
        var properties = new HashMap<String, Object>();
        if (port != null) {
            properties.put("micronaut.server.port", port);
        }
        if (dataDir != null) {
            properties.put("labgate.data-dir", dataDir.toString());
        }
        if (policy != null) {
            properties.put("labgate.policy", policy.toString());
        }
        if (databaseUrl != null) {
            properties.put("labgate.database.url", databaseUrl);
        }
        try {
            Micronaut.build(new String[0]).mainClass(Labgate.class).properties(properties).banner(false).start();
            return RUNNING;
        } catch (RuntimeException e) {
            System.err.println("labgate could not start: " + rootMessage(e));
            return 1;
        }
    }

    private static String rootMessage(Throwable e) {
        var cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof dev.labgate.bot.FilePolicySource.InvalidPolicy) {
                break;
            }
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
