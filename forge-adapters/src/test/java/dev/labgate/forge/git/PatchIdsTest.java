package dev.labgate.forge.git;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PatchIdsTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final String DRIVER = "#include <x.h>\n\nint probe(void)\n{\n\treturn 0;\n}\n\nint remove(void)\n"
            + "{\n\treturn 0;\n}\n";

    @TempDir
    Path tmp;

    @Test
    void a_rebased_commit_keeps_its_patch_id_and_a_changed_patch_gets_another() throws IOException {
        try (var git = new GitFixture(tmp.resolve("r.git"))) {
            var base = git.commit("refs/heads/master", null, "base", Map.of("drivers/x.c", DRIVER, "README", "r\n"),
                    T, null);
            var fix = with(Map.of("drivers/x.c", DRIVER, "README", "r\n"), "drivers/x.c",
                    DRIVER.replace("return 0;\n}\n\nint remove", "return -ENODEV;\n}\n\nint remove"));
            var change = git.commit("refs/heads/topic", base, "x: fail probe", fix, T, null);

            // The same patch on a base that moved elsewhere in the tree, with another message.
            var newBase = git.commit("refs/heads/master", base, "docs", with(Map.of("drivers/x.c", DRIVER,
                    "README", "r\n"), "README", "read me\n"), T, null);
            var rebased = git.commit("refs/heads/topic", newBase, "x: fail probe (rebased)", with(fix, "README",
                    "read me\n"), T.plusSeconds(60), null);
            // Whitespace changes inside lines do not change a patch id either, as with git.
            var spaced = git.commit("refs/heads/spaced", base, "x: fail probe", with(fix, "drivers/x.c",
                    fix.get("drivers/x.c").replace("return -ENODEV;", "return  -ENODEV ;")), T, null);
            var other = git.commit("refs/heads/other", base, "x: fail probe", with(fix, "drivers/x.c",
                    fix.get("drivers/x.c").replace("-ENODEV", "-EINVAL")), T, null);

            assertThat(patchId(git, rebased)).isEqualTo(patchId(git, change));
            assertThat(patchId(git, spaced)).isEqualTo(patchId(git, change));
            assertThat(patchId(git, other)).isNotEqualTo(patchId(git, change));
        }
    }

    @Test
    void patch_ids_are_those_of_git_patch_id_stable() throws Exception {
        assumeTrue(Tools.present("git"), "git is needed for the cross-check");
        try (var git = new GitFixture(tmp.resolve("r.git"))) {
            var base = git.commit("refs/heads/master", null, "base", Map.of("drivers/x.c", DRIVER, "b/old.c", "old\n",
                    "a/z.c", "z\n"), T, null);
            var files = with(Map.of("drivers/x.c", DRIVER.replace("probe", "x_probe").replace("remove", "x_remove"),
                    "a/z.c", "z\nzz\n", "new/file.c", "int y;\n"), "tail.c", "no newline at the end");
            var several = git.commit("refs/heads/topic", base, "several files: edits, one new, one deleted", files, T,
                    null);
            var root = git.commit("refs/heads/root", null, "a root commit", Map.of("only.c", "one\ntwo\n"), T, null);
            for (var commit : new String[]{several, root}) {
                var diff = Tools.run(Map.of(), "git", "--git-dir", git.directory.toString(), "diff-tree", "-p",
                        "--root", commit);
                var ids = Tools.run(Map.of(), "sh", "-c", "git --git-dir '" + git.directory + "' diff-tree -p --root "
                        + commit + " | git patch-id --stable");
                assertThat(ids.exit()).as(ids.output()).isZero();
                assertThat(patchId(git, commit)).as(diff.output()).isEqualTo(ids.output().split(" ")[0]);
            }
        }
    }

    private static String patchId(GitFixture git, String commit) throws IOException {
        try (var walk = new RevWalk(git.repository)) {
            return PatchIds.of(git.repository, walk, walk.parseCommit(ObjectId.fromString(commit)));
        }
    }

    private static Map<String, String> with(Map<String, String> files, String path, String content) {
        var copy = new HashMap<>(files);
        copy.put(path, content);
        return copy;
    }
}
