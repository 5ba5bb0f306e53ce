package dev.labgate.bot;

import dev.labgate.bot.cli.ActionCommand;
import dev.labgate.bot.cli.ConfigCommand;
import dev.labgate.bot.cli.ExplainCommand;
import dev.labgate.bot.cli.KcidbCommand;
import dev.labgate.bot.cli.ReplayCommand;
import dev.labgate.bot.cli.ServeCommand;
import dev.labgate.bot.cli.VerifyCommitsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code labgate} command: the service and the operator's tools, in one jar. */
@Command(name = "labgate", mixinStandardHelpOptions = true, version = "labgate 0.1.0",
        description = "Connects Git forges to Linux kernel test labs.",
        subcommands = {ServeCommand.class, ConfigCommand.class, ExplainCommand.class, VerifyCommitsCommand.class,
                KcidbCommand.class, ActionCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Labgate implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // HttpURLConnection (under gitlab4j and JGit) would otherwise send a POST again, silently, when
        // the first got no answer: a second write labgate never hears of, while the first may still be
        // applied after it. It reads this once, when first used: set it before anything else runs.
        System.setProperty("sun.net.http.retryPost", "false");
        var exit = new CommandLine(new Labgate()).execute(args);
        if (exit != ServeCommand.RUNNING) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
