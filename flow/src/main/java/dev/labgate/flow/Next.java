package dev.labgate.flow;

import java.time.Instant;

/** What a step wants after it ran: nothing more, or to run again at a time. */
public sealed interface Next {

    Done DONE = new Done();

    record Done() implements Next {
    }

    record Again(Instant at) implements Next {
    }

    static Next again(Instant at) {
        return new Again(at);
    }
}
