package org.vcsreplicator.hg;

import java.util.List;

/**
 * Chooses how Mercurial runs: command servers by default, plain processes when
 * {@link HgOptions#plainProcesses()} is set.
 */
public final class HgFactory {

    private HgFactory() {}

    /**
     * Opens an {@link Hg} and proves the executable works (one command server started, or one
     * {@code hg --version} run), so a wrong {@code [programs] hg} stops start-up.
     *
     * @param options how to run hg, never null
     * @return an open, thread-safe {@link Hg}; the caller closes it
     * @throws HgUnavailableException when hg cannot be run
     */
    public static Hg open(HgOptions options) throws HgUnavailableException {
        if (options.plainProcesses()) {
            ProcessHg hg = new ProcessHg(options);
            HgResult version = hg.run(null, List.of("--version", "--quiet"));
            if (!version.succeeded()) {
                throw new HgUnavailableException("hg executable '" + options.executable()
                        + "' does not work: `hg --version` exited " + version.exitCode() + ": "
                        + version.output().strip());
            }
            return hg;
        }
        return CommandServerPool.start(options);
    }

    /** {@link #open(HgOptions)} with {@link HgOptions#defaults(String)}. */
    public static Hg open(String executable) throws HgUnavailableException {
        return open(HgOptions.defaults(executable));
    }
}
