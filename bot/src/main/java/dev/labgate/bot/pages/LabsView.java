package dev.labgate.bot.pages;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * What {@code /labs} shows: each lab's queue, what runs there now, and how its recent runs ended.
 * The same record is the JSON at {@code /api/labs}.
 *
 * @param since the start of the window the recent figures count
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LabsView(Instant since, List<Lab> labs) {

    public LabsView {
        labs = List.copyOf(labs);
    }

    /**
     * One lab.
     *
     * @param type {@code command}, {@code build}, {@code kernelci}, {@code lava}; empty for a lab no longer in the policy
     * @param dashboardUrl the lab's own public dashboard, when the policy names one; empty otherwise
     * @param waiting runs waiting for a maintainer's approval, or for the stage before them to pass, before
     *                they may use the lab
     * @param queued runs planned or submitted that the lab has not started
     * @param finished runs that ended since {@link #since()} (cancelled and skipped ones not counted)
     * @param infraErrors of those, the ones that ended in an infrastructure error or timed out
     * @param errorRate {@code infraErrors / finished}, 0 when nothing finished
     * @param health why the lab is judged healthy or not, in words
     */
    public record Lab(String name, String type, boolean inPolicy, String dashboardUrl, long waiting, long queued,
                      long running, long finished, long passed, long failed, long infraErrors, double errorRate,
                      boolean healthy, String health) {
    }
}
