package dev.labgate.kcidb.submit;

/**
 * One submission to kcidb-ng and what became of it.
 *
 * @param id the id kcidb-ng gave it
 * @param objects how many KCIDB objects it carried
 * @param state {@code processed} (in the database), {@code failed} (rejected by the ingester),
 *              or the last state seen when the wait ran out ({@code inprogress}, {@code ready})
 * @param message kcidb-ng's own words
 */
public record Submission(String id, int objects, String state, String message) {

    public boolean processed() {
        return "processed".equals(state);
    }

    public boolean failed() {
        return "failed".equals(state);
    }
}
