package org.vcsreplicator.hg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sqlite.SQLiteConfig;

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
   * Reads {@code .hg/pushlog2.db} through SQLite, read-only, waiting up to 10 s for a writer that
   * holds the lock (a push in progress). No database, or one without the tables: no pushes.
   */
  static PushlogReader sqlite() {
    return repo -> {
      Path db = repo.resolve(".hg/pushlog2.db");
      if (!Files.exists(db)) {
        return List.of();
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(10_000);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), config.toProperties())) {
        try (PreparedStatement tables = c.prepareStatement(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('pushlog', 'changesets')");
            ResultSet rs = tables.executeQuery()) {
          if (!rs.next() || rs.getInt(1) != 2) {
            return List.of();
          }
        }
        List<Push> pushes = new ArrayList<>();
        try (PreparedStatement all = c.prepareStatement("SELECT id, user, date FROM pushlog ORDER BY id ASC");
            PreparedStatement nodesOf = c.prepareStatement(
                "SELECT node FROM changesets WHERE pushid = ? ORDER BY rev ASC");
            ResultSet rs = all.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            byte[] user = rs.getBytes(2);
            long when = rs.getLong(3);
            List<String> nodes = new ArrayList<>();
            nodesOf.setLong(1, id);
            try (ResultSet n = nodesOf.executeQuery()) {
              while (n.next()) {
                nodes.add(n.getString(1));
              }
            }
            pushes.add(new Push(id, user == null ? new byte[0] : user, when, nodes));
          }
        }
        return pushes;
      } catch (SQLException e) {
        throw new IOException("cannot read " + db + ": " + e.getMessage(), e);
      }
    };
  }
}
