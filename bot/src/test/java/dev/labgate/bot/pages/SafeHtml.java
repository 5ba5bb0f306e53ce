package dev.labgate.bot.pages;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What every page must be, whatever text it shows: only its own markup. */
public final class SafeHtml {

    /** Every element a page may contain; anything else came from outside. */
    private static final Set<String> TAGS = Set.of("html", "head", "meta", "title", "style", "script", "body", "a",
            "header", "nav", "main", "footer", "section", "h1", "h2", "h3", "p", "span", "strong", "code", "pre",
            "ul", "ol", "li", "time", "div", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "br",
            "form", "label", "input", "select", "option", "button", "details", "summary", "#root");

    private SafeHtml() {
    }

    /**
     * Nothing from outside became an element, an attribute, a script or a link elsewhere: only
     * the page's own elements, no event handler attribute, links to labgate or to plain http(s)
     * without credentials, and at most the page's own reload script.
     */
    public static void assertSafe(String html, Document page, boolean reloads) {
        assertThat(page.getAllElements()).extracting(Element::tagName).allMatch(TAGS::contains);
        assertThat(page.getAllElements()).allSatisfy(e -> assertThat(e.attributes().asList())
                .noneMatch(a -> a.getKey().toLowerCase().startsWith("on")));
        assertThat(page.select("a[href]").eachAttr("href")).allMatch(h -> h.startsWith("/") || h.startsWith("#")
                || (h.startsWith("https://") || h.startsWith("http://")) && !h.contains("@"));
        assertThat(page.select("script")).hasSize(reloads ? 1 : 0);
        page.select("script").forEach(s -> assertThat(s.data()).isEqualTo(Layout.REFRESH));
        assertThat(html).doesNotContain("<script>alert", "<svg", "<iframe", "<b>", "<i>");
        assertThat(html).doesNotContainIgnoringCase("href=\"javascript:").doesNotContain("secret@");
    }
}
