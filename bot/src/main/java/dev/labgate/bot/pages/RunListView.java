package dev.labgate.bot.pages;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.core.run.RunState;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code /runs} shows: the newest runs that match the filters, newest first. The same record is
 * the JSON at {@code /api/runs}.
 *
 * @param repo the repository filter as given ({@code github:acme/linux} or {@code acme/linux}); empty for all
 * @param state the state filter ({@code failed}, {@code running}, ...); empty for all
 * @param author the author filter; empty for all
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RunListView(String repo, String state, String author, int limit, List<Row> runs) {

    public RunListView {
        runs = List.copyOf(runs);
    }

    /**
     * @param author the author or pusher the audit recorded; empty when it recorded none
     */
    public record Row(String id, String repo, String subject, String headSha, String lab, int round, String state,
                      boolean terminal, String note, String author, Instant createdAt, Instant updatedAt) {
    }

    /** The filters of a request, checked: a state that does not exist is refused with the list of those that do. */
    public record Query(String repo, String state, String author, JdbcRunStore.Filter filter) {

        public static Query of(String repo, String state, String author) {
            var r = trim(repo);
            var s = trim(state).toLowerCase(Locale.ROOT);
            var a = trim(author);
            Optional<String> forge = Optional.empty();
            Optional<String> path = Optional.empty();
            if (!r.isEmpty()) {
                var colon = r.indexOf(':');
                if (colon > 0) {
                    forge = Optional.of(r.substring(0, colon));
                    path = Optional.of(r.substring(colon + 1));
                } else {
                    path = Optional.of(r);
                }
            }
            Optional<RunState> parsed = Optional.empty();
            if (!s.isEmpty()) {
                parsed = Arrays.stream(RunState.values()).filter(x -> x.label().equals(s)).findFirst();
                if (parsed.isEmpty()) {
                    throw new IllegalArgumentException("there is no state '" + s + "'; the states are "
                            + String.join(", ", states()));
                }
            }
            return new Query(r, s, a, new JdbcRunStore.Filter(forge, path, parsed,
                    a.isEmpty() ? Optional.empty() : Optional.of(a)));
        }

        static List<String> states() {
            return Arrays.stream(RunState.values()).map(RunState::label).toList();
        }

        private static String trim(String text) {
            return text == null ? "" : text.strip();
        }
    }
}
