package dev.labgate.bot;

import dev.labgate.bot.cli.ActionCommand;
import dev.labgate.bot.cli.ConfigCommand;
import dev.labgate.bot.cli.DemoCommand;
import dev.labgate.bot.cli.ExplainCommand;
import dev.labgate.bot.cli.KcidbCommand;
import dev.labgate.bot.cli.ReplayCommand;
import dev.labgate.bot.cli.ServeCommand;
import dev.labgate.bot.cli.VerifyCommitsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code labgate} command: the service and the operator's tools, in one jar. A command line
 * labgate cannot act on (an unknown option, a missing argument or subcommand) exits 64, EX_USAGE.
 */
@Command(name = "labgate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Connects Git forges to Linux kernel test labs.",
        subcommands = {ServeCommand.class, DemoCommand.class, ConfigCommand.class, ExplainCommand.class,
                VerifyCommitsCommand.class, KcidbCommand.class, ActionCommand.class, ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class Labgate {

    /** sysexits' EX_USAGE, for every command line labgate cannot act on. */
    public static final int USAGE = 64;

    public static void main(String[] args) {
        // HttpURLConnection (under gitlab4j and JGit) would otherwise send a POST again, silently, when
        // the first got no answer: a second write labgate never hears of, while the first may still be
        // applied after it. It reads this once, when first used: set it before anything else runs.
        System.setProperty("sun.net.http.retryPost", "false");
        var exit = commandLine().execute(args);
        if (exit != ServeCommand.RUNNING) {
            System.exit(exit);
        }
    }

    /** The command line of every subcommand, with usage errors exiting {@link #USAGE}. */
    public static CommandLine commandLine() {
        var root = new CommandLine(new Labgate());
        usageExits(root);
        return root;
    }

    private static void usageExits(CommandLine command) {
        command.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        command.getSubcommands().values().forEach(Labgate::usageExits);
    }
}
