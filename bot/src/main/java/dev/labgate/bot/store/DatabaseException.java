package dev.labgate.bot.store;

/** A database call failed; the durable task that made it is retried. */
public final class DatabaseException extends RuntimeException {
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
