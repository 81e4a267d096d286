package org.vcsreplicator.hg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Reads the pushes of a repository's pushlog: Mozilla's pushlog extension keeps them in the SQLite
 * database {@code .hg/pushlog2.db} (tables {@code pushlog(id, user, date)} and {@code
 * changesets(pushid, rev, node)}). Implementations are thread-safe.
 */
@FunctionalInterface
public interface PushlogReader {

  /**
   * One push, as the pushlog extension's {@code pushes()} yields it.
   *
   * @param user the user as stored (UTF-8 bytes)
   * @param when seconds since the epoch
   * @param nodes the 40-hex nodes of the push, by revision
   */
  record Push(long id, byte[] user, long when, List<String> nodes) {
    public Push {
      Objects.requireNonNull(user, "user");
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * The pushes of the repository at {@code repo}, by push id; empty when it has no pushlog.
   *
   * @throws IOException when the database exists but cannot be read
   */
  List<Push> pushes(Path repo) throws IOException;

  /**
   * The id of the last push, as the pushlog extension's {@code lastpushid()} gives it: 0 for a
   * pushlog without pushes, empty when the repository has no pushlog database.
   *
   * @throws IOException when the database exists but cannot be read
   */
  default java.util.OptionalLong lastPushId(Path repo) throws IOException {
    if (!Files.exists(repo.resolve(".hg/pushlog2.db"))) {
      return java.util.OptionalLong.empty();
    }
    return java.util.OptionalLong.of(pushes(repo).stream().mapToLong(Push::id).max().orElse(0));
  }

  /** For repositories known to have no pushlog. */
  static PushlogReader none() {
    return repo -> List.of();
  }

  /**
   * Reads {@code .hg/pushlog2.db} with Python's standard {@code sqlite3} module (Python is there
   * wherever hg is), read-only. No database: no pushes.
   *
   * @param python the Python 3 interpreter to run, e.g. {@code python3}
   */
  static PushlogReader sqlite(String python) {
    Objects.requireNonNull(python, "python");
    return repo -> {
      Path db = repo.resolve(".hg/pushlog2.db");
      if (!Files.exists(db)) {
        return List.of();
      }
      // Prints "P <id> <date> <user as hex>" for each push, then "N <node>" for each of its changesets.
      String script = String.join("\n",
          "import sqlite3, sys",
          "c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)",
          "c.text_factory = bytes",
          "out = sys.stdout.buffer",
          "for pid, user, date in c.execute('SELECT id, user, date FROM pushlog ORDER BY id ASC').fetchall():",
          "    out.write(b'P %d %d %s\\n' % (pid, date, (user or b'').hex().encode()))",
          "    for (node,) in c.execute('SELECT node FROM changesets WHERE pushid = ? ORDER BY rev ASC', (pid,)):",
          "        out.write(b'N ' + node + b'\\n')",
          "");
      Process p;
      String out;
      String err;
      try {
        p = new ProcessBuilder(python, "-I", "-c", script, db.toString()).start();
        p.getOutputStream().close();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("reading " + db + " with " + python + " did not finish in 60 s");
        }
      } catch (IOException e) {
        throw new IOException("cannot read " + db + " with " + python + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + db, e);
      }
      if (p.exitValue() != 0) {
        throw new IOException("cannot read " + db + " with " + python + ": " + err.strip());
      }
      List<Push> pushes = new ArrayList<>();
      long id = -1;
      long when = 0;
      byte[] user = null;
      List<String> nodes = new ArrayList<>();
      for (String line : out.lines().toList()) {
        if (line.startsWith("P ")) {
          if (user != null) {
            pushes.add(new Push(id, user, when, nodes));
          }
          String[] f = line.split(" ", -1);
          id = Long.parseLong(f[1]);
          when = Long.parseLong(f[2]);
          user = HexFormat.of().parseHex(f[3]);
          nodes = new ArrayList<>();
        } else if (line.startsWith("N ")) {
          nodes.add(line.substring(2));
        }
      }
      if (user != null) {
        pushes.add(new Push(id, user, when, nodes));
      }
      return pushes;
    };
  }
}
