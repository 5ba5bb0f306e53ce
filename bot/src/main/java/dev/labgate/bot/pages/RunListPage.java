package dev.labgate.bot.pages;

/** {@code /runs}: the filters (a plain GET form), then the newest matching runs. */
final class RunListPage {

    private RunListPage() {
    }

    static String render(RunListView list, Layout layout) {
        var inProgress = list.runs().stream().anyMatch(r -> !r.terminal());
        var html = layout.open("Runs", Layout.Section.RUNS, inProgress, 8_192 + 700 * list.runs().size());
        html.raw("<h1>Runs</h1>");
        form(html, list, layout);
        if (list.runs().isEmpty()) {
            html.raw("<p>No run matches.</p>");
            return layout.close(html);
        }
        html.raw("<p class=\"muted\">The newest ").text(list.runs().size())
                .raw(list.runs().size() == list.limit() ? " (the limit)" : "").raw(", newest first.</p>")
                .raw("<div class=\"scroll\"><table class=\"cards\"><thead><tr><th scope=\"col\">run</th>")
                .raw("<th scope=\"col\">state</th><th scope=\"col\">repository</th><th scope=\"col\">subject</th>")
                .raw("<th scope=\"col\">head</th><th scope=\"col\">author</th><th scope=\"col\">created</th>")
                .raw("</tr></thead><tbody>");
        for (var row : list.runs()) {
            html.raw("<tr><td data-label=\"run\">")
                    .local(layout.run(row.id()), row.lab() + (row.round() > 0 ? " (round " + row.round() + ")" : ""))
                    .raw("</td><td data-label=\"state\">").raw(RunPage.badge(row.state()));
            if (!row.note().isEmpty()) {
                html.raw("<span class=\"detail\">").text(row.note()).raw("</span>");
            }
            html.raw("</td><td data-label=\"repository\">").text(row.repo())
                    .raw("</td><td data-label=\"subject\">").text(row.subject())
                    .raw("</td><td data-label=\"head\"><code>").text(Html.shortSha(row.headSha()))
                    .raw("</code></td><td data-label=\"author\">").text(row.author())
                    .raw("</td><td data-label=\"created\">").time(row.createdAt()).raw("</td></tr>");
        }
        html.raw("</tbody></table></div>");
        return layout.close(html);
    }

    private static void form(Html html, RunListView list, Layout layout) {
        html.raw("<form class=\"filters\" method=\"get\"").attr("action", layout.runs()).raw(">")
                .raw("<label>repository<input name=\"repo\" placeholder=\"github:owner/name\"")
                .attr("value", list.repo()).raw("></label><label>state<select name=\"state\">")
                .raw("<option value=\"\">any</option>");
        for (var state : RunListView.Query.states()) {
            html.raw("<option").attr("value", state).raw(state.equals(list.state()) ? " selected" : "").raw(">")
                    .text(state).raw("</option>");
        }
        html.raw("</select></label><label>author<input name=\"author\"").attr("value", list.author())
                .raw("></label><button type=\"submit\">Filter</button> ")
                .local(layout.runs(), "clear").raw("</form>");
    }
}
