package dev.labgate.kcidb.dashboard;

/** The dashboard could not be asked or gave an answer that is not its API's: with the path and HTTP status. */
public final class DashboardException extends Exception {

    public DashboardException(String message) {
        super(message);
    }

    public DashboardException(String message, Throwable cause) {
        super(message, cause);
    }
}
