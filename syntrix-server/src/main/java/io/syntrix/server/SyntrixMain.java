package io.syntrix.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code syntrix} launcher. */
@Command(name = "syntrix", mixinStandardHelpOptions = true, version = "Syntrix for the JVM 0.1.0",
    description = "A realtime document database.", subcommands = {ServeCommand.class})
public final class SyntrixMain implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyntrixMain()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
