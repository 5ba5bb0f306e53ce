package dev.labgate.core.forge;

import dev.labgate.core.event.Person;
import dev.labgate.core.event.RepoRef;

/** Facts labgate asks of a forge to decide trust. Each answer comes from the forge's API. */
public interface ForgeFacts {

    /** The person's effective permission on the repository, with the reason in words. */
    Permission permission(RepoRef repo, Person person);
}
