package dev.labgate.forge;

import java.util.List;

/** A forge adapter's use of its API, for the metrics: the budget of each credential it calls with. */
public interface ForgeUsage {

    /** The budgets of the credentials in use now (a GitHub App has one per installation, and its own). */
    List<RateBudget> budgets();
}
