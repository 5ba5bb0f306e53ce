package dev.labgate.core.event;

import java.util.Objects;

/** A forge account, by its login (GitHub) or username (GitLab). */
public record Person(String login) {
    public Person {
        Objects.requireNonNull(login, "login");
    }

    @Override
    public String toString() {
        return login;
    }
}
