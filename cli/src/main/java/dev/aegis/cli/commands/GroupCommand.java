package dev.aegis.cli.commands;

import picocli.CommandLine;

/** A command that only groups subcommands ({@code keys}, {@code credits}, ...): alone it is a usage error. */
abstract class GroupCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: " + String.join(", ", spec.subcommands().keySet()));
    }
}
