package org.vcsreplicator.pulse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.vcsreplicator.message.NodeId;

/**
 * Reads a repository's pushlog as Mozilla's pushlog extension keeps it: the SQLite database
 * {@code .hg/pushlog2.db} with the tables
 *
 * <pre>
 * pushlog    (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT, date INTEGER)
 * changesets (pushid INTEGER, rev INTEGER, node TEXT)   -- node: 40 hex, unique
 * </pre>
 *
 * <p>Why read the file rather than ask hg: the original asked {@code hg log -T '{pushid}'}, which
 * only works where the pushlog extension is installed, and fails where it is not. Reading the
 * database needs no extension on the notifier's hg and tells "no pushlog" (no file, or no {@code
 * pushlog} table) apart from "no entry for this changeset".
 *
 * <p>Read-only: the database is opened with SQLite's read-only flag and never written, and a
 * writer holding the lock (a push in progress) is waited for up to {@link #BUSY_TIMEOUT_MS}.
 *
 * <p>Stateless and thread-safe: every call opens and closes its own connection.
 */
final class PushlogDatabase {

    /** The file name under {@code .hg}. */
    static final String FILE_NAME = "pushlog2.db";

    static final int BUSY_TIMEOUT_MS = 10_000;

    // SQLite allows 999 host parameters in old builds; stay well under it.
    private static final int BATCH = 500;

    private PushlogDatabase() {}

    /** @return the pushlog file of the repository at {@code repo}, never null */
    static Path fileOf(Path repo) {
        return repo.resolve(".hg").resolve(FILE_NAME);
    }

    /**
     * The pushes of some changesets.
     *
     * @param database an existing {@code pushlog2.db}, never null
     * @param nodes never null
     * @return empty when the database holds no pushlog table; else node → push for every node
     *     with an entry
     * @throws SQLException when the database cannot be read
     */
    static Optional<Map<NodeId, Push>> pushes(Path database, Collection<NodeId> nodes) throws SQLException {
        try (Connection c = open(database)) {
            if (!hasPushlogTable(c)) {
                return Optional.empty();
            }
            List<NodeId> unique = new ArrayList<>(new LinkedHashSet<>(nodes));
            Map<NodeId, Push> out = new HashMap<>();
            for (int from = 0; from < unique.size(); from += BATCH) {
                List<NodeId> batch = unique.subList(from, Math.min(unique.size(), from + BATCH));
                String sql = "SELECT c.node, p.id, p.user, p.date FROM changesets c"
                        + " JOIN pushlog p ON p.id = c.pushid WHERE c.node IN ("
                        + String.join(",", Collections.nCopies(batch.size(), "?")) + ")";
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    for (int i = 0; i < batch.size(); i++) {
                        st.setString(i + 1, batch.get(i).hex());
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            NodeId node = NodeId.of(rs.getString(1));
                            String user = rs.getString(3);
                            out.put(node, new Push(rs.getLong(2), user == null ? "" : user, rs.getLong(4)));
                        }
                    }
                }
            }
            return Optional.of(out);
        }
    }

    private static boolean hasPushlogTable(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('pushlog', 'changesets')");
                ResultSet rs = st.executeQuery()) {
            return rs.next() && rs.getInt(1) == 2;
        }
    }

    private static Connection open(Path database) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath(), config.toProperties());
    }
}
