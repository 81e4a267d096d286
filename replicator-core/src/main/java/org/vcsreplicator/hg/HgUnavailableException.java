package org.vcsreplicator.hg;

/**
 * Mercurial could not be run at all: the executable is missing or not executable, the command
 * server would not start or died twice in a row, or the {@link Hg} was closed.
 *
 * <p>This is not "hg ran and failed" (that is an {@link HgResult} with a non-zero exit code). It
 * is checked on purpose: callers must decide whether it is transient (a process limit, a
 * server crash) or a misconfiguration (a wrong {@code [programs] hg} path, refused at start-up).
 */
public class HgUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public HgUnavailableException(String message) {
        super(message);
    }

    public HgUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
