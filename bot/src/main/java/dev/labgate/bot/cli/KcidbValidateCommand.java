package dev.labgate.bot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.labgate.kcidb.KcidbValidator;
import dev.labgate.kcidb.Violation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code labgate kcidb validate FILE...}: every violation of the KCIDB v5.3 schema, with its JSON path. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check KCIDB v5.3 files against every rule of the schema.",
                "Prints each violation as FILE: PATH: MESSAGE. Exit 0 when every file is valid, 1 otherwise, "
                        + "64 when a file cannot be read."})
public final class KcidbValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "KCIDB JSON files (read streaming; any size)")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        // A file that is not there is a mistake in the command line, not an invalid KCIDB file.
        for (var file : files) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                spec.commandLine().getErr().println("labgate kcidb validate: cannot read " + file + ": "
                        + (Files.exists(file) ? Files.isDirectory(file) ? "a directory" : "permission denied"
                        : "no such file"));
                return KcidbCommand.USAGE;
            }
        }
        var validator = new KcidbValidator();
        var invalid = 0;
        for (var file : files) {
            List<Violation> violations;
            try (var in = Files.newInputStream(file)) {
                violations = validator.validate(in);
            } catch (IOException e) {
                violations = List.of(new Violation("$", "cannot be read: " + describe(e)));
            }
            if (violations.isEmpty()) {
                out.println(file + ": valid");
            } else {
                invalid++;
                violations.forEach(v -> out.println(file + ": " + v));
                out.println(file + ": " + violations.size() + (violations.size() == 1 ? " violation" : " violations"));
            }
        }
        out.flush();
        return invalid == 0 ? 0 : 1;
    }

    /** What went wrong with a file, in words: no stack trace, no Java class names. */
    static String describe(IOException e) {
        if (e instanceof JsonProcessingException json) {
            var at = json.getLocation();
            return json.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                    + at.getColumnNr() + ")");
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }
}
