package dev.labgate.flow;

import dev.labgate.core.forge.Forge;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured forges, by name. */
public final class Forges {

    private final Map<String, Forge> byName = new LinkedHashMap<>();

    public Forges(List<Forge> forges) {
        forges.forEach(f -> byName.put(f.name(), f));
    }

    public Optional<Forge> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The forge a stored item names; it was configured when the item was stored. */
    public Forge get(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException(
                "forge '" + name + "' is not configured any more; configure it to finish its pending work"));
    }

    public Collection<Forge> all() {
        return byName.values();
    }
}
