package org.vcsreplicator.sandbox;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/vcsreplicator sandbox}: the whole system on loopback in one command, a demo push,
 * then (without {@code --once}) running until Ctrl-C for the user to push more.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = {
        "Start on loopback, in this one process: a Kafka broker (embedded, KRaft) with the topics, a master "
            + "(producer daemon, hg hooks, hg serve), two mirrors (consumer and heads consumer each), the two "
            + "chained aggregators, the Pulse notifier and an AMQP broker (a local RabbitMQ if one answers on "
            + "127.0.0.1:5672 as guest/guest, else an embedded Qpid Broker-J). Then create a repository, push to "
            + "it, and show the events, the mirrors catching up, the heads files and the notification.",
        "Without --once it keeps running for you to push more, until Ctrl-C."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:--once: everything expected was seen (without --once it runs until Ctrl-C; the shell reports 130)",
        "1:something did not arrive or a part failed (the output says what), or the sandbox could not start",
        "2:bad usage"})
public final class SandboxCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "sandbox-data",
      description = "Where everything goes (default: ${DEFAULT-VALUE}). A previous sandbox's data there is "
          + "removed first; a non-empty directory that is not a sandbox's is refused.")
  Path dataDir;

  @Option(names = "--once", description = "Run the demo, print what arrived, stop everything and exit.")
  boolean once;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long the demo waits for each thing it expects (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--embedded-amqp",
      description = "Start the embedded Qpid broker even when a RabbitMQ answers on 127.0.0.1:5672.")
  boolean embeddedAmqp;

  // visible for testing: released by Ctrl-C (the shutdown hook), or by a test
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (timeoutSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
    Progress progress = new Progress(out, Clock.systemUTC());
    progress.plain("vcsreplicator sandbox: a master, two mirrors, the aggregators and the Pulse notifier on loopback"
        + (once ? " (--once: the demo, then exit)" : ""));
    Sandbox sandbox = new Sandbox(new Sandbox.Options(dataDir, once, Duration.ofSeconds(timeoutSeconds),
        hookModule(), !embeddedAmqp), progress, Clock.systemUTC());
    Sandbox.Outcome outcome;
    try {
      Path data = sandbox.prepare();
      LogSetup.toFile(data.resolve("logs").resolve("sandbox.log"));
      outcome = sandbox.start();
    } catch (Exception e) {
      progress.say("FAILED", "the sandbox could not start: " + e.getMessage());
      sandbox.close();
      progress.plain("Stopped. Logs: " + (sandbox.dataDir() == null ? "none" : sandbox.dataDir().resolve("logs")));
      return 1;
    }
    boolean ok = report(outcome, progress);
    if (once) {
      progress.say("stop", "stopping every part (--once)");
      sandbox.close();
      progress.plain(ok ? "Everything arrived. Data left in " + outcome.dataDir() + " (delete it when done)."
          : "Something did NOT arrive (see above). Data and logs left in " + outcome.dataDir() + ".");
      return ok ? 0 : 1;
    }
    instructions(outcome, progress);
    // Ctrl-C starts the JVM's shutdown: the hook hands the stop to this thread and waits until
    // everything is closed, so the brokers stop after the consumers and the last lines print.
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
      progress.plain("");
      progress.say("stop", "stopping every part");
      sandbox.close();
      progress.plain("Stopped. Data left in " + outcome.dataDir() + " (delete it when done).");
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down (Ctrl-C): the hook is running and returns now
      }
    }
    return 0;
  }

  private static boolean report(Sandbox.Outcome outcome, Progress progress) {
    progress.plain("");
    progress.plain("What the demo expected:");
    for (Demo.Check c : outcome.checks()) {
      progress.plain("  " + (c.seen() ? "seen       " : "NOT SEEN   ") + c.what());
    }
    for (String f : outcome.failedParts()) {
      progress.plain("  FAILED     " + f);
    }
    progress.plain("");
    return outcome.allSeen();
  }

  private static void instructions(Sandbox.Outcome outcome, Progress progress) {
    Path data = outcome.dataDir();
    Demo demo = outcome.demo();
    progress.plain("The sandbox keeps running. Push more from another terminal, e.g.:");
    progress.plain("  cd " + demo.workingClone());
    progress.plain("  echo more >> hello.txt && hg commit -m 'one more change'");
    progress.plain("  hg push " + demo.url());
    progress.plain("or from a clone of your own: hg clone " + demo.url() + " /tmp/demo");
    progress.plain("A new repository (the producer hooks log its creation):");
    progress.plain("  HGRCPATH=" + data.resolve("master/hgrc") + " hg init " + data.resolve("master/repos/NAME"));
    progress.plain("Configs: " + data + "/{master,mirror1,mirror2,aggregator,notifier}/*.ini; every daemon's log: "
        + data.resolve("logs/sandbox.log"));
    progress.plain("Ctrl-C stops everything; the data stays in " + data + ".");
    progress.plain("");
  }

  /**
   * {@code hghooks/vcsreplicator_hghook.py} of this checkout: {@code -Dvcsreplicator.home}, else
   * three levels above this class's jar or classes directory
   * ({@code HOME/replicator-sandbox/target/...}).
   */
  static Path hookModule() {
    String home = System.getProperty("vcsreplicator.home");
    Path root;
    if (home != null && !home.isBlank()) {
      root = Path.of(home);
    } else {
      try {
        Path code = Path.of(SandboxCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        root = code.getParent().getParent().getParent();
      } catch (URISyntaxException | RuntimeException e) {
        root = Path.of("");
      }
    }
    return root.resolve("hghooks").resolve("vcsreplicator_hghook.py").toAbsolutePath().normalize();
  }

  /** Builds the command line; the IT runs it in process. */
  public static CommandLine commandLine() {
    return commandLine(new SandboxCommand());
  }

  // visible for testing: the IT keeps the command to stop an interactive run
  static CommandLine commandLine(SandboxCommand command) {
    CommandLine cli = new CommandLine(command);
    cli.setUsageHelpAutoWidth(true);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
