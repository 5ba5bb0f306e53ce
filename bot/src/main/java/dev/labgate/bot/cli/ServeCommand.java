package dev.labgate.bot.cli;

import dev.labgate.bot.FilePolicySource.InvalidPolicy;
import dev.labgate.bot.DatabaseFactory;
import dev.labgate.bot.Labgate;
import dev.labgate.bot.store.Database;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
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
        properties.put(DatabaseFactory.OPEN_AT_START, true);
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
            // Not Micronaut.run: on a failed start it exits the JVM before we can say why in one line.
            // No bootstrap context (labgate has no distributed configuration): looking for one took
            // about a tenth of the start.
            var context = ApplicationContext.builder().mainClass(Labgate.class).properties(properties).banner(false)
                    .bootstrapEnvironment(false).start();
            try {
                // The database opened beside the context's start: a service that cannot open it
                // says so and stops before it listens.
                context.getBean(Database.class);
                context.getBean(EmbeddedServer.class).start();
            } catch (RuntimeException e) {
                context.close();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "labgate-shutdown"));
            return RUNNING;
        } catch (RuntimeException e) {
            System.err.println("labgate could not start: " + rootMessage(e));
            return 1;
        }
    }

    /** What went wrong, in one or two lines: the outermost message and, if it says more, the root cause's. */
    static String rootMessage(Throwable e) {
        var cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof InvalidPolicy)) {
            cause = cause.getCause();
        }
        if (cause instanceof InvalidPolicy || cause == e) {
            return cause.getMessage();
        }
        var outer = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return outer.contains(String.valueOf(cause.getMessage())) ? outer : outer + ": " + cause.getMessage();
    }
}
