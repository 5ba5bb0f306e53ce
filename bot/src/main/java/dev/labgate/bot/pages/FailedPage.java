package dev.labgate.bot.pages;

import dev.labgate.bot.work.FailedWork;

import java.util.List;

/** {@code /failed}: work that failed for good, with its error and how to retry it. */
final class FailedPage {

    private FailedPage() {
    }

    static String render(List<FailedWork.Entry> failed, Layout layout) {
        var html = layout.open("Failed work", Layout.Section.RUNS, false, 2_048 + 700 * failed.size());
        html.raw("<h1>Failed work</h1><p class=\"muted\">Deliveries and run steps that labgate stopped retrying: ")
                .raw("refused by a forge or lab, or failing for six hours. Retry one with ")
                .raw("<code>labgate replay --retry ID</code> (signed with the webhook secret); the same list is at ")
                .raw("<code>/api/deliveries?state=failed</code>.</p>");
        if (failed.isEmpty()) {
            html.raw("<p>Nothing has failed for good.</p>");
            return layout.close(html);
        }
        html.raw("<div class=\"scroll\"><table class=\"cards\"><thead><tr><th scope=\"col\">id</th>")
                .raw("<th scope=\"col\">work</th><th scope=\"col\">error</th><th scope=\"col\" class=\"num\">attempts</th>")
                .raw("<th scope=\"col\">failed</th></tr></thead><tbody>");
        for (var entry : failed) {
            html.raw("<tr><td data-label=\"id\"><code>").text(entry.id()).raw("</code></td><td data-label=\"work\">")
                    .text(entry.task()).raw(" <span class=\"muted\">").text(entry.instance()).raw("</span></td>")
                    .raw("<td data-label=\"error\">").text(entry.error()).raw("</td>")
                    .raw("<td data-label=\"attempts\" class=\"num\">").text(entry.failures()).raw("</td>")
                    .raw("<td data-label=\"failed\">").time(entry.failedAt()).raw("</td></tr>");
        }
        html.raw("</tbody></table></div>");
        return layout.close(html);
    }
}
