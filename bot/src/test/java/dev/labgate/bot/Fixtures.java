package dev.labgate.bot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Webhook payloads written for these tests, in the shape GitHub sends. */
final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A {@code pull_request} delivery for {@code fullName}#{@code number}, from a fork when {@code fork}. */
    static byte[] pullRequest(String action, String fullName, long number, String author, String head, String base,
                              boolean fork) {
        var root = JSON.createObjectNode().put("action", action).put("number", number);
        var pr = root.putObject("pull_request").put("number", number).put("title", "A change")
                .put("html_url", "https://github.example/" + fullName + "/pull/" + number).put("draft", false)
                .put("merged", false);
        pr.putObject("user").put("login", author);
        var headRepo = fork ? author + "/" + fullName.substring(fullName.indexOf('/') + 1) : fullName;
        ObjectNode headNode = pr.putObject("head").put("sha", head).put("ref", "topic");
        headNode.putObject("repo").put("full_name", headRepo);
        ObjectNode baseNode = pr.putObject("base").put("sha", base).put("ref", "master");
        baseNode.putObject("repo").put("full_name", fullName);
        root.putObject("repository").put("full_name", fullName)
                .put("clone_url", "https://evil.example/" + fullName + ".git");
        root.putObject("sender").put("login", author);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
