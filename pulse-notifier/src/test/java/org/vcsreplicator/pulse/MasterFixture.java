package org.vcsreplicator.pulse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Mercurial repositories in a directory playing the master's root, and their pushlogs in the
 * pushlog extension's schema ({@code hgext/pushlog/__init__.py} of version-control-tools).
 */
final class MasterFixture {
    static final String HG = "hg";

    /** The schema the pushlog extension creates in {@code .hg/pushlog2.db}. */
    static final List<String> PUSHLOG_SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS changesets (pushid INTEGER, rev INTEGER, node text)",
            "CREATE TABLE IF NOT EXISTS pushlog (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT, date INTEGER)",
            "CREATE UNIQUE INDEX IF NOT EXISTS changeset_node ON changesets (node)",
            "CREATE UNIQUE INDEX IF NOT EXISTS changeset_rev ON changesets (rev)",
            "CREATE INDEX IF NOT EXISTS changeset_pushid ON changesets (pushid)",
            "CREATE INDEX IF NOT EXISTS pushlog_date ON pushlog (date)",
            "CREATE INDEX IF NOT EXISTS pushlog_user ON pushlog (user)");

    private final Path root;

    MasterFixture(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path repo(String name) {
        return root.resolve(name);
    }

    /** {@code hg init}, optionally with evolution on and publishing off (to make markers). */
    Path init(String name, boolean evolution) {
        Path repo = repo(name);
        try {
            Files.createDirectories(repo.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hg(null, "init", repo.toString());
        if (evolution) {
            append(repo.resolve(".hg/hgrc"), "[experimental]\nevolution = true\n[phases]\npublish = false\n");
        }
        return repo;
    }

    /** Commits a new file; returns the new node. */
    String commit(Path repo, String file, String message) {
        append(repo.resolve(file), file + "\n");
        hg(repo, "commit", "-A", "-m", message, "-u", "user@example.com", "-d", "1700000000 0");
        return tip(repo);
    }

    /** Amends the working directory parent with a new message; returns the new node. */
    String amend(Path repo, String message) {
        hg(repo, "commit", "--amend", "-m", message, "-u", "user@example.com", "-d", "1700000001 0");
        return tip(repo);
    }

    String tip(Path repo) {
        return hg(repo, "log", "--hidden", "-r", "tip", "-T", "{node}").strip();
    }

    /** The base85 value of the {@code obsolete} pushkey key {@code dump0}, as a push replicates it. */
    String obsoleteDump0(Path repo) {
        for (String line : hg(null, "debugpushkey", repo.toString(), "obsolete").split("\n")) {
            if (line.startsWith("dump0\t")) {
                return line.substring("dump0\t".length()).strip();
            }
        }
        throw new AssertionError("no obsolete dump0 key in " + repo);
    }

    /** Records a push of {@code nodes} in the repository's pushlog; returns its id. */
    long recordPush(Path repo, String user, long time, String... nodes) {
        Path db = PushlogDatabase.fileOf(repo);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement st = c.createStatement()) {
                for (String ddl : PUSHLOG_SCHEMA) {
                    st.execute(ddl);
                }
            }
            long id;
            try (PreparedStatement st = c.prepareStatement("INSERT INTO pushlog (user, date) VALUES (?, ?)")) {
                st.setString(1, user);
                st.setLong(2, time);
                st.executeUpdate();
            }
            try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT max(id) FROM pushlog")) {
                rs.next();
                id = rs.getLong(1);
            }
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO changesets (pushid, rev, node) VALUES (?, ?, ?)")) {
                for (String node : nodes) {
                    st.setLong(1, id);
                    st.setLong(2, Long.parseLong(hg(repo, "log", "--hidden", "-r", node, "-T", "{rev}").strip()));
                    st.setString(3, node);
                    st.executeUpdate();
                }
            }
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write pushlog " + db, e);
        }
    }

    /** Deletes a repository as an operator would. */
    void delete(String name) {
        deleteTree(repo(name));
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hg(Path repo, String... args) {
        List<String> cmd = new ArrayList<>(List.of(HG));
        if (repo != null) {
            cmd.add("-R");
            cmd.add(repo.toString());
        }
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("HGPLAIN", "1");
            pb.environment().put("HGUSER", "Test User <someone@example.com>");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(cmd + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
