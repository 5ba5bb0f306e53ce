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

import java.util.List;

/**
 * The {@code labgate} command: the service and the operator's tools, in one jar. A command line
 * labgate cannot act on (an unknown option, a missing argument or subcommand) exits 64, EX_USAGE.
 */
@Command(name = "labgate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Connects Git forges to Linux kernel test labs.")
public final class Labgate {

    /** The subcommands, in the order the help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(ServeCommand.class, DemoCommand.class,
            ConfigCommand.class, ExplainCommand.class, VerifyCommitsCommand.class, KcidbCommand.class,
            ActionCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class);

    /** sysexits' EX_USAGE, for every command line labgate cannot act on. */
    public static final int USAGE = 64;

    public static void main(String[] args) {
        // HttpURLConnection (under gitlab4j and JGit) would otherwise send a POST again, silently, when
        // the first got no answer: a second write labgate never hears of, while the first may still be
        // applied after it. It reads this once, when first used: set it before anything else runs.
        System.setProperty("sun.net.http.retryPost", "false");
        var exit = commandLine(args).execute(args);
        if (exit != ServeCommand.RUNNING) {
            System.exit(exit);
        }
    }

    /** The command line of every subcommand, with usage errors exiting {@link #USAGE}. */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * For {@code labgate serve}, the command line of that subcommand alone: picocli reads the
     * annotations of every subcommand it is given, which took about 0.4 s of the service's start.
     */
    static CommandLine commandLine(String... args) {
        return args.length > 0 && args[0].equals("serve") ? commandLine(List.of(ServeCommand.class)) : commandLine();
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        var root = new CommandLine(new Labgate());
        subcommands.forEach(root::addSubcommand);
        usageExits(root);
        return root;
    }

    private static void usageExits(CommandLine command) {
        command.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        command.getSubcommands().values().forEach(Labgate::usageExits);
    }
}
