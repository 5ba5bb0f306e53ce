package dev.labgate.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds secrets written into a policy file. A policy is read by many and kept in version
 * control, so secrets come from the environment: a lab names the variable ({@code token-env}),
 * a command inherits labgate's environment.
 */
final class SecretScan {

    private static final Set<String> SECRET_KEYS = Set.of("token", "password", "passwd", "secret", "api-key",
            "apikey", "api-token", "access-token", "auth-token", "private-key", "jwt", "authorization",
            "client-secret", "webhook-secret", "credentials", "push-token", "access-key-id", "secret-access-key");

    private static final Pattern SECRET_ENV_NAME = Pattern.compile(
            "(?i).*(token|secret|password|passwd|api_?key|private_?key|credential).*");

    /** Shapes of real credentials: forge tokens, JWTs, cloud keys, private keys, authorization headers. */
    private static final List<Pattern> SECRET_VALUES = List.of(
            Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,}"),
            Pattern.compile("\\bgithub_pat_[A-Za-z0-9_]{20,}"),
            Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"),
            Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("(?i)\\b(bearer|token)\\s+[A-Za-z0-9._~+/=-]{20,}"));

    private SecretScan() {
    }

    /** Whether a key names a secret value ({@code token:}), as opposed to where one is ({@code token-env:}). */
    static boolean isSecretKey(String key) {
        return SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    static void scan(Node root, List<PolicyError> errors) {
        walk(root, "", false, errors);
    }

    private static void walk(Node node, String path, boolean inEnv, List<PolicyError> errors) {
        if (node instanceof MappingNode mapping) {
            for (var tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    continue;
                }
                var key = keyNode.getValue();
                var childPath = path.isEmpty() ? key : path + "." + key;
                var value = tuple.getValueNode();
                if (isSecretKey(key)) {
                    new PolicyNode(keyNode, childPath, errors).error("a secret is written in the policy ('" + key
                                    + "')", "remove it and name the environment variable that holds it: "
                                    + key + "-env: LABGATE_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
                    continue;
                }
                if (inEnv && SECRET_ENV_NAME.matcher(key).matches() && value instanceof ScalarNode scalar
                        && !scalar.getValue().isEmpty()) {
                    new PolicyNode(value, childPath, errors).error("the value of " + key + " looks like a secret "
                            + "written in the policy", "remove it: the command is the change's code, which must "
                            + "never hold a secret (it could print it); a step that needs " + key + " belongs outside "
                            + "the lab");
                    continue;
                }
                walk(value, childPath, key.equals("env"), errors);
            }
        } else if (node instanceof SequenceNode sequence) {
            var items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                walk(items.get(i), path + "[" + i + "]", false, errors);
            }
        } else if (node instanceof ScalarNode scalar) {
            for (var shape : SECRET_VALUES) {
                if (shape.matcher(scalar.getValue()).find()) {
                    new PolicyNode(node, path, errors).error("this value looks like a token or key written in the "
                            + "policy", "keep secrets in the environment and name the variable (e.g. token-env)");
                    return;
                }
            }
        }
    }
}
