package dev.labgate.bot.cli;

import picocli.CommandLine.Command;

/** {@code labgate kcidb}: tools for KCIDB files. */
@Command(name = "kcidb", mixinStandardHelpOptions = true,
        description = "Check KCIDB v5.3 files and turn results into labgate's verdict.",
        subcommands = {KcidbValidateCommand.class, KcidbSummarizeCommand.class})
public final class KcidbCommand {

    /** A command line labgate cannot act on (sysexits EX_USAGE). */
    static final int USAGE = 64;
}
