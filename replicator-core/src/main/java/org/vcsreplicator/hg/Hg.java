package org.vcsreplicator.hg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The project's single way to run Mercurial.
 *
 * <p>Every command runs with {@code HGPLAIN=1} (stable, machine-readable output, no user
 * aliases), {@code HGENCODING=utf-8} and {@code HGEDITOR=false} (a command that wants an editor
 * fails instead of hanging), in the filesystem root as working directory: pass absolute paths.
 * Nothing is ever read from hg's standard input.
 *
 * <p>Implementations are thread-safe. Obtain one from {@link HgFactory}; close it when done.
 */
public interface Hg extends AutoCloseable {

    /**
     * The executable as configured, for log lines and {@link HgResult#transcript(String)}.
     *
     * @return never null
     */
    String executable();

    /**
     * Runs one hg command.
     *
     * @param repo the repository to run in, passed as {@code -R repo}; null for commands that take
     *     their paths as arguments ({@code init}, {@code clone}, {@code debugpushkey})
     * @param args the arguments after the executable (and after {@code -R}), never null
     * @param extraEnv environment variables for this one call on top of the configured ones (for
     *     example {@code HG_PENDING} inside a hook); never null, usually empty. A non-empty map
     *     forces a fresh process, since a command server's environment is fixed when it starts.
     * @return the result, whatever the exit code; never null
     * @throws HgUnavailableException when hg could not be run at all
     */
    HgResult run(Path repo, List<String> args, Map<String, String> extraEnv)
            throws HgUnavailableException;

    /**
     * Runs one hg command with the configured environment only.
     *
     * @see #run(Path, List, Map)
     */
    default HgResult run(Path repo, List<String> args) throws HgUnavailableException {
        return run(repo, args, Map.of());
    }

    /**
     * Varargs form of {@link #run(Path, List)}.
     *
     * @see #run(Path, List, Map)
     */
    default HgResult run(Path repo, String... args) throws HgUnavailableException {
        return run(repo, List.of(args), Map.of());
    }

    /** Releases processes this instance owns. Never throws; idempotent. */
    @Override
    default void close() {}
}
