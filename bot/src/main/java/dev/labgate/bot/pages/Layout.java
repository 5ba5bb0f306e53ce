package dev.labgate.bot.pages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The frame every page shares: one inline style sheet (light and dark by the browser's preference,
 * readable on a phone), the navigation, and the links between pages under the public URL's path.
 * The page's Content-Security-Policy allows exactly this style sheet and the refresh script, by
 * their hashes, and nothing else: even markup that slipped past escaping could not run a script.
 */
final class Layout {

    static final String STYLE = """
            :root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;\
            --link:#0550ae;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--info:#0550ae}
            @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;\
            --card:#151b23;--link:#58a6ff;--pass:#3fb950;--fail:#ff7b72;--warn:#d29922;--info:#58a6ff}}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
            .top{border-bottom:1px solid var(--line);padding:.5rem 1rem;display:flex;gap:1.25rem;flex-wrap:wrap;align-items:baseline}
            .top a{color:var(--fg);text-decoration:none}
            .top .brand{font-weight:700}
            .top a[aria-current=page]{text-decoration:underline;text-underline-offset:.3em}
            .skip{position:absolute;left:-999px}
            .skip:focus{left:1rem;top:.5rem;background:var(--bg);padding:.25rem}
            main{max-width:72rem;margin:0 auto;padding:1rem}
            a{color:var(--link)}
            h1{font-size:1.4rem;margin:.25rem 0 .5rem;overflow-wrap:anywhere}
            h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
            h3{font-size:1rem;margin:1.25rem 0 .25rem}
            code,pre,.sha{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
            code{overflow-wrap:anywhere}
            pre{background:var(--card);border:1px solid var(--line);border-radius:.3rem;padding:.5rem;\
            white-space:pre-wrap;overflow-wrap:anywhere;max-height:20rem;overflow-y:auto}
            .muted{color:var(--muted)}
            .state{display:inline-block;padding:0 .5rem;border-radius:1rem;border:1px solid currentColor;\
            font-size:.85rem;font-weight:600;white-space:nowrap}
            .passed,.pass,.trusted,.healthy{color:var(--pass)}
            .failed,.fail,.rejected,.unhealthy{color:var(--fail)}
            .errored,.timed-out,.infra-error,.awaiting-approval,.needs-approval{color:var(--warn)}
            .cancelled,.skipped,.pending{color:var(--muted)}
            .planned,.waiting,.submitted,.running{color:var(--info)}
            .box{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem;margin:.75rem 0}
            .box.alert{border-left:.3rem solid var(--warn)}
            .box p{margin:.25rem 0}
            dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
            dl.facts dt{color:var(--muted)}
            dl.facts dd{margin:0;overflow-wrap:anywhere}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
            th{font-size:.85rem;color:var(--muted);font-weight:600}
            td.num,th.num{text-align:right}
            td[data-label=run],td[data-label=lab],td[data-label=head]{white-space:nowrap}
            tr.current td{background:var(--card)}
            ul.findings{list-style:none;padding:0;margin:0}
            ul.findings li{border-bottom:1px solid var(--line);padding:.4rem 0;overflow-wrap:anywhere}
            .detail{display:block;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
            .detail.lines{white-space:pre-line}
            ol.timeline{padding-left:1.25rem}
            form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
            form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
            input,select,button{font:inherit;padding:.3rem .4rem;color:var(--fg);background:var(--bg);\
            border:1px solid var(--line);border-radius:.3rem}
            button{cursor:pointer}
            footer{max-width:72rem;margin:2rem auto 1rem;padding:0 1rem;color:var(--muted);font-size:.85rem}
            @media (max-width:40rem){
            main{padding:.75rem}
            dl.facts{grid-template-columns:1fr}
            dl.facts dd{margin-bottom:.4rem}
            table.cards thead{display:none}
            table.cards tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
            table.cards td{display:block;position:relative;border:0;padding:.1rem 0 .1rem 7rem;min-height:1.6em;            text-align:left;white-space:normal}
            table.cards td::before{content:attr(data-label);position:absolute;left:0;width:6.5rem;color:var(--muted)}
            }
            """;

    /** A page of a run that is still going reloads itself; without JavaScript it simply stays as it is. */
    static final int REFRESH_SECONDS = 15;
    static final String REFRESH = "setTimeout(function(){location.reload()}," + REFRESH_SECONDS * 1000 + ");";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + hash(STYLE) + "'; script-src '"
            + hash(REFRESH) + "'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** Which part of the navigation a page belongs to. */
    enum Section { RUNS, LABS }

    private final String prefix;

    /**
     * @param prefix the path of the public URL ({@code /labgate} for {@code https://host/labgate}); empty at the root
     */
    Layout(String prefix) {
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    String runs() {
        return prefix + "/runs";
    }

    String run(String id) {
        return prefix + "/runs/" + id;
    }

    String labs() {
        return prefix + "/labs";
    }

    Html open(String title, Section section, boolean refresh, int capacity) {
        var html = new Html(capacity);
        html.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .raw("<meta name=\"color-scheme\" content=\"light dark\">")
                .raw("<meta name=\"referrer\" content=\"no-referrer\">")
                .raw("<title>").text(title).raw(" · labgate</title>")
                .raw("<style>").raw(STYLE).raw("</style>");
        if (refresh) {
            html.raw("<script>").raw(REFRESH).raw("</script>");
        }
        html.raw("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
                .raw("<header class=\"top\"><span class=\"brand\">labgate</span><nav aria-label=\"labgate\">")
                .raw("<a").attr("href", runs()).raw(section == Section.RUNS ? " aria-current=\"page\"" : "")
                .raw(">Runs</a> · <a").attr("href", labs()).raw(section == Section.LABS ? " aria-current=\"page\"" : "")
                .raw(">Labs</a></nav></header><main id=\"main\">");
        return html;
    }

    String close(Html html) {
        return html.raw("</main><footer>labgate · read-only · times in UTC</footer></body></html>\n").toString();
    }

    private static String hash(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
