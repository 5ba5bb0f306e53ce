package dev.labgate.bot.pages;

import dev.labgate.bot.FilePolicySource;
import dev.labgate.bot.PolicyLabs;
import dev.labgate.bot.store.JdbcApprovalStore;
import dev.labgate.bot.store.JdbcAuditLog;
import dev.labgate.bot.store.JdbcResultStore;
import dev.labgate.bot.store.JdbcRunStore;
import dev.labgate.bot.store.JdbcSubmissionStore;
import dev.labgate.flow.RunVerdicts;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The read side of the run pages, on the service's stores. */
@Factory
final class PagesFactory {

    @Singleton
    RunViews runViews(JdbcRunStore runs, JdbcResultStore results, JdbcAuditLog audit, JdbcApprovalStore approvals,
                      JdbcSubmissionStore submissions, RunVerdicts verdicts, FilePolicySource policy,
                      PolicyLabs labs) {
        return new RunViews(runs, results, audit, approvals, submissions, verdicts, policy, labs);
    }

    @Singleton
    LabBoard labBoard(FilePolicySource policy, JdbcRunStore runs, Clock clock) {
        return new LabBoard(policy, runs, clock);
    }
}
