package dev.labgate.bot.pages;

import java.util.Locale;

/** {@code /labs}: each lab's queue, running runs, recent error rate and health. */
final class LabsPage {

    private LabsPage() {
    }

    static String render(LabsView view, Layout layout) {
        var html = layout.open("Labs", Layout.Section.LABS, false, 4_096 + 600 * view.labs().size());
        html.raw("<h1>Labs</h1><p class=\"muted\">Recent figures count the runs that ended since ")
                .time(view.since()).raw(" (cancelled runs are not counted).</p>");
        if (view.labs().isEmpty()) {
            html.raw("<p>The policy names no lab.</p>");
            return layout.close(html);
        }
        html.raw("<div class=\"scroll\"><table class=\"cards\"><thead><tr><th scope=\"col\">lab</th>")
                .raw("<th scope=\"col\">health</th><th scope=\"col\" class=\"num\">waiting for approval</th>")
                .raw("<th scope=\"col\" class=\"num\">queued</th><th scope=\"col\" class=\"num\">running</th>")
                .raw("<th scope=\"col\" class=\"num\">finished</th><th scope=\"col\" class=\"num\">error rate</th>")
                .raw("</tr></thead><tbody>");
        for (var lab : view.labs()) {
            html.raw("<tr><td data-label=\"lab\"><strong>").text(lab.name()).raw("</strong>");
            if (!lab.type().isEmpty()) {
                html.raw(" <span class=\"muted\">").text(lab.type()).raw("</span>");
            }
            if (Html.linkable(lab.dashboardUrl())) {
                html.raw("<br>").link(lab.dashboardUrl(), "dashboard", false);
            }
            var health = lab.healthy() ? "healthy" : "unhealthy";
            html.raw("</td><td data-label=\"health\">").raw(RunPage.badge(health)).raw("<span class=\"detail\">")
                    .text(lab.health()).raw("</span></td>")
                    .raw("<td data-label=\"waiting\" class=\"num\">").text(lab.waiting()).raw("</td>")
                    .raw("<td data-label=\"queued\" class=\"num\">").text(lab.queued()).raw("</td>")
                    .raw("<td data-label=\"running\" class=\"num\">").text(lab.running()).raw("</td>")
                    .raw("<td data-label=\"finished\" class=\"num\">").text(lab.finished())
                    .raw(lab.finished() == 0 ? "" : " <span class=\"muted\">(" + lab.passed() + " passed, "
                            + lab.failed() + " failed, " + lab.infraErrors() + " errors)</span>")
                    .raw("</td><td data-label=\"error rate\" class=\"num\">")
                    .text(lab.finished() == 0 ? "—" : String.format(Locale.ROOT, "%.0f %%", lab.errorRate() * 100))
                    .raw("</td></tr>");
        }
        html.raw("</tbody></table></div>");
        return layout.close(html);
    }
}
