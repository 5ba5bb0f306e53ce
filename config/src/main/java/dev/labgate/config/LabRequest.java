package dev.labgate.config;

import dev.labgate.core.event.Person;

import java.util.Objects;

/**
 * A trusted change asks for a run on one lab (rule 7).
 *
 * @param authorIsMaintainer whether the author counts as a maintainer of what the change touches
 * @param runsByAuthorToday runs already admitted today for the author's changes
 * @param activeOnLab runs planned, submitted or running on the lab now
 */
public record LabRequest(String lab, Person author, boolean authorIsMaintainer, int runsByAuthorToday,
                         int activeOnLab) {
    public LabRequest {
        Objects.requireNonNull(lab, "lab");
        Objects.requireNonNull(author, "author");
    }
}
