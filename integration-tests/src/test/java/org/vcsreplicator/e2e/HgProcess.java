package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code hg} as its own process with one hgrc as its whole configuration
 * ({@code HGRCPATH}), as a user or an operator on the master would. Thread-safe.
 */
final class HgProcess {
  /** One finished command: exit code and output. */
  record Run(List<String> args, int exit, String out, String err) {
    String all() {
      return out + err;
    }

    /** This run, asserted successful; the message shows the command and its output. */
    Run ok() {
      if (exit != 0) {
        throw new AssertionError("hg " + String.join(" ", args) + " exited " + exit + ":\n" + all());
      }
      return this;
    }
  }

  private HgProcess() {}

  static Run run(Path hgrc, Path cwd, Map<String, String> env, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("hg"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("HG"));
    environment.put("HGRCPATH", hgrc.toString());
    environment.put("HGPLAIN", "1");
    environment.put("LANG", "C");
    environment.putAll(env);
    try {
      Path out = Files.createTempFile("e2e-hg", ".out");
      Path err = Files.createTempFile("e2e-hg", ".err");
      try {
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("hg " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(List.copyOf(args), p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running hg " + args, e);
    }
  }

  static Run run(Path hgrc, Path cwd, String... args) {
    return run(hgrc, cwd, Map.of(), List.of(args));
  }
}
