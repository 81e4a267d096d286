package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One of our daemons in its own JVM, as a supervisor runs it in production ({@code java -cp …
 * org.vcsreplicator.cli.Main SUBCOMMAND …}), on the class path this JVM was started with. Its
 * output goes to a log file. {@link #kill()} is SIGKILL (nothing runs in the child afterwards),
 * {@link #terminate()} SIGTERM (its graceful stop). Not thread-safe.
 */
final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Path log;
  private final Process process;

  private JavaProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code Main args…}; the log file is appended to, so restarts of one daemon share it.
   *
   * @param jvmOptions e.g. {@code -Xmx256m}; may be empty
   */
  static JavaProcess start(String name, Path log, List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dvcsreplicator.home=" + ProjectLayout.root());
    cmd.add("-Dlogback.configurationFile=" + daemonLogConfig());
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("org.vcsreplicator.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("HG"));
    try {
      return new JavaProcess(name, log, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The logging config of the daemons' JVMs (INFO on stdout), not the test JVM's. */
  private static String daemonLogConfig() {
    try {
      return Path.of(JavaProcess.class.getResource("/e2e-daemon-logback.xml").toURI()).toString();
    } catch (java.net.URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("e2e-daemon-logback.xml not on the class path", e);
    }
  }

  /**
   * A new log file for a daemon, kept after the test (the test's temporary directory is not):
   * {@code target/e2e-logs/LABEL-N.log} under the working directory (the module, under failsafe).
   */
  static Path logFile(String label) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "e2e-logs").toAbsolutePath());
      return Files.createTempFile(dir, label + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The class path of this JVM's tests. Failsafe starts the test JVM with a manifest-only jar and
   * publishes the real path in {@code surefire.test.class.path}; a plain {@code java -cp} run
   * (the benchmark) has it in {@code java.class.path}.
   */
  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The whole log file so far (all runs of this daemon). */
  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /**
   * SIGKILL to the JVM and to its children (hg command servers) at once, as systemd's default
   * {@code KillMode=control-group} does: an hg pull in progress dies mid-transaction.
   */
  void killTree() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    awaitExit(Duration.ofSeconds(30));
    for (ProcessHandle child : children) {
      child.onExit().join();
    }
  }

  /** SIGTERM: the daemon's graceful stop. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the exit and returns its code; empty when still running at the deadline. */
  Optional<Integer> awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(process.exitValue());
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Resident memory of this JVM alone (VmRSS of {@code /proc/PID/status}), in KiB; children (hg
   * command servers) are not included.
   */
  long residentKib() {
    return ProcStatus.residentKib(process.pid());
  }

  /** Resident memory of the JVM's child processes (hg command servers), summed, in KiB. */
  long childrenResidentKib() {
    return process.descendants().mapToLong(h -> ProcStatus.residentKib(h.pid())).sum();
  }

  /** SIGTERM, and SIGKILL when it has not exited 30 s later. */
  @Override
  public void close() {
    if (process.isAlive()) {
      terminate();
      if (awaitExit(Duration.ofSeconds(30)).isEmpty()) {
        kill();
      }
    }
  }
}
