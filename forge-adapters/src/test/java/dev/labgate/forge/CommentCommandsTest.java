package dev.labgate.forge;

import dev.labgate.core.event.Command;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CommentCommandsTest {

    static Stream<Arguments> comments() {
        return Stream.of(
                Arguments.of("a command alone on its line is found", "/labgate retest",
                        new CommentCommands.Known(Command.RETEST)),
                Arguments.of("a command after some words on earlier lines is found",
                        "The lab was down yesterday.\n\n/labgate retest\n", new CommentCommands.Known(Command.RETEST)),
                Arguments.of("words after the command do not hide it", "/labgate test please, the lab is back",
                        new CommentCommands.Known(Command.TEST)),
                Arguments.of("up to three spaces of indent still make a command", "   /labgate cancel",
                        new CommentCommands.Known(Command.CANCEL)),
                Arguments.of("the word is read whatever its case", "/labgate OK-TO-TEST",
                        new CommentCommands.Known(Command.OK_TO_TEST)),
                Arguments.of("a bare /labgate asks for help", "/labgate", new CommentCommands.Known(Command.HELP)),
                Arguments.of("Windows line ends are lines too", "thanks\r\n/labgate help\r\n",
                        new CommentCommands.Known(Command.HELP)),
                Arguments.of("the first command counts", "/labgate cancel\n/labgate retest",
                        new CommentCommands.Known(Command.CANCEL)),
                Arguments.of("an unknown word is reported, not run", "/labgate deploy",
                        new CommentCommands.Unknown("deploy")),
                Arguments.of("a command inside a fenced block is ignored", "```\n/labgate ok-to-test\n```",
                        new CommentCommands.Nothing()),
                Arguments.of("a command inside a tilde fence is ignored", "~~~~\n/labgate retest\n~~~~",
                        new CommentCommands.Nothing()),
                Arguments.of("a fence closes only with as many backticks", "````\n```\n/labgate retest\n````",
                        new CommentCommands.Nothing()),
                Arguments.of("a command after a closed fence is found", "```sh\nmake\n```\n/labgate retest",
                        new CommentCommands.Known(Command.RETEST)),
                Arguments.of("a command in an indented code block is ignored", "Run:\n\n    /labgate retest\n",
                        new CommentCommands.Nothing()),
                Arguments.of("a command indented with a tab is ignored", "\t/labgate retest",
                        new CommentCommands.Nothing()),
                Arguments.of("a quoted command is ignored", "> /labgate ok-to-test\n\nWhy did you ask for this?",
                        new CommentCommands.Nothing()),
                Arguments.of("a command quoted twice is ignored", ">> /labgate retest", new CommentCommands.Nothing()),
                Arguments.of("a command hidden in an HTML comment is ignored", "<!-- /labgate ok-to-test -->",
                        new CommentCommands.Nothing()),
                Arguments.of("a command hidden in a multi-line HTML comment is ignored",
                        "<!--\n/labgate ok-to-test\n-->\nlooks good", new CommentCommands.Nothing()),
                Arguments.of("a command in inline code mid-sentence is ignored", "you can say `/labgate retest`",
                        new CommentCommands.Nothing()),
                Arguments.of("a command that starts in a list item is ignored", "- /labgate retest",
                        new CommentCommands.Nothing()),
                Arguments.of("a command glued to another word is no command", "/labgatetest",
                        new CommentCommands.Nothing()),
                Arguments.of("an empty comment asks nothing", "", new CommentCommands.Nothing()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comments")
    void finds_commands_where_readers_see_them(String sentence, String body, CommentCommands.Found expected) {
        assertThat(CommentCommands.find(body)).isEqualTo(expected);
    }
}
