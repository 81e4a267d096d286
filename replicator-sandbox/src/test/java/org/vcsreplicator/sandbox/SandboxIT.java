package org.vcsreplicator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.message.NodeId;
import picocli.CommandLine;

/**
 * The sandbox as a newcomer runs it, in this JVM: real Kafka broker, real hg, real AMQP broker
 * (RabbitMQ when one answers on 127.0.0.1:5672, else the embedded Qpid). Outcomes are checked on
 * disk (the mirrors' heads, the heads files) and in what the user sees (the notification).
 */
class SandboxIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void onceReplicatesTheDemoToBothMirrorsWritesHeadsFilesAndNotifies() throws Exception {
    Path data = tmp.resolve("sandbox-data");
    StringWriter out = new StringWriter();
    CommandLine cli = SandboxCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int code = cli.execute("--once", "--data-dir", data.toString(), "--timeout", "30");

    String text = out.toString();
    assertEquals(0, code, text);
    Set<String> master = heads(data.resolve("master/repos/demo"));
    assertFalse(master.isEmpty(), text);
    for (String mirror : Sandbox.MIRRORS) {
      Path repo = data.resolve(mirror).resolve("repos/demo");
      assertEquals(master, heads(repo), mirror + "\n" + text);
      ReplicatedData file = ReplicatedDataFile.read(repo).orElseThrow(() -> new AssertionError("no heads file in " + repo));
      assertEquals(master, hexes(file), mirror + "'s .hg/replicated-data\n" + text);
    }
    String head = master.iterator().next();
    assertTrue(Pattern.compile("received from exchange/hgpushes/v2 routing key 'demo': changegroup\\.1\\R.*"
        + "heads: \\[\"" + head + "\"\\]", Pattern.DOTALL).matcher(text).find(), text);
    assertTrue(text.contains("Everything arrived."), text);
  }

  /** Also the embedded AMQP broker's run (the first test uses a local RabbitMQ when there is one). */
  @Test
  void keepsRunningForTheUsersPushesUntilStopped() throws Exception {
    Path data = tmp.resolve("data");
    StringWriter out = new StringWriter();
    SandboxCommand command = new SandboxCommand();
    CommandLine cli = SandboxCommand.commandLine(command);
    cli.setOut(new PrintWriter(out, true));
    AtomicInteger code = new AtomicInteger(-1);
    Thread run = new Thread(() -> code.set(cli.execute("--data-dir", data.toString(), "--timeout", "30",
        "--embedded-amqp")));
    run.start();
    try {
      await(() -> out.toString().contains("The sandbox keeps running") || !run.isAlive(), "the demo to finish");
      String text = out.toString();
      assertTrue(run.isAlive(), text);
      Matcher push = Pattern.compile("^ {2}hg push (http://\\S+)$", Pattern.MULTILINE).matcher(text);
      assertTrue(push.find(), text);

      // What the printed instructions tell the user to do.
      Path clone = data.resolve("work/demo");
      Files.writeString(clone.resolve("hello.txt"), "more\n", StandardCharsets.UTF_8);
      hg(clone, "commit", "-m", "one more change");
      hg(clone, "push", push.group(1));
      String pushed = hg(clone, "log", "-r", ".", "-T", "{node}").strip();

      for (String mirror : Sandbox.MIRRORS) {
        Path repo = data.resolve(mirror).resolve("repos/demo");
        await(() -> heads(repo).equals(Set.of(pushed)), mirror + " to have " + pushed);
      }
      await(() -> out.toString().contains("heads: [\"" + pushed + "\"]"), "the notification of " + pushed);
    } finally {
      command.stop.countDown();
      run.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertFalse(run.isAlive(), "the sandbox did not stop");
    assertEquals(0, code.get(), out.toString());
    assertTrue(out.toString().contains("Stopped. Data left in"), out.toString());
  }

  private static Set<String> hexes(ReplicatedData data) {
    Set<String> s = new TreeSet<>();
    data.heads().stream().map(NodeId::hex).forEach(s::add);
    return s;
  }

  private static Set<String> heads(Path repo) {
    if (!Files.isDirectory(repo.resolve(".hg"))) {
      return Set.of();
    }
    try {
      String nodes = hg(repo, "log", "-r", "heads(all())", "-T", "{node}\\n");
      return new TreeSet<>(Arrays.asList(nodes.strip().split("\n")));
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static String hg(Path repo, String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 3];
    command[0] = "hg";
    command[1] = "-R";
    command[2] = repo.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100); // poll interval of the condition, not a wait for an outcome
    }
  }
}
