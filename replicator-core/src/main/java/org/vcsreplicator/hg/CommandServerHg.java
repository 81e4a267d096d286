package org.vcsreplicator.hg;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs hg commands through ONE long-lived {@code hg serve --cmdserver pipe} process, which
 * answers a small command in a few milliseconds instead of the ~250 ms a fresh hg costs.
 *
 * <p>The server is started without a repository; each command names its repository with
 * {@code -R}, and Mercurial opens it afresh for every command, so changes made by other processes
 * (a push, a pull, a commit) are seen by the next command. Per-command {@code --config} options do
 * not leak into later commands (the server copies its configuration for every command). One
 * caveat of any long-lived hg: an extension enabled by one repository's hgrc stays imported in
 * the server; Mercurial only activates it for repositories that enable it, but extensions that
 * wrap core functions globally may affect later commands. Use {@link ProcessHg} for such repos.
 *
 * <p>Calls with per-call environment go to a fresh process: a server's environment is fixed when
 * it starts (this is also why a server does not see another transaction's pending changesets).
 *
 * <p>Failure handling: when the server has died, or dies or breaks the protocol during a command,
 * it is discarded, a new one is started and the command is run once more (so a command may run
 * twice; a half-done pull leaves an abandoned transaction that the caller recovers from). When
 * no server can be started, or the second attempt fails too, {@link HgUnavailableException}.
 *
 * <p>Thread-safe: a lock serialises commands (the protocol is strictly one request at a time).
 * A long command (a big pull) therefore holds up every other caller of this instance; callers
 * that run commands in parallel use a pool of these ({@link HgFactory}).
 */
public final class CommandServerHg implements Hg {

    private static final Logger log = LoggerFactory.getLogger(CommandServerHg.class);

    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final HgOptions options;
    private final ProcessHg processes;
    private final ReentrantLock lock = new ReentrantLock();
    // Written under lock; volatile so pid() and close() can read it without waiting.
    private volatile CommandServerProcess server;
    private volatile boolean closed;

    /** Creates the client; the server process starts with the first command. */
    public CommandServerHg(HgOptions options) {
        this.options = options;
        this.processes = new ProcessHg(options);
    }

    /**
     * Creates the client and starts its server now, so a wrong executable is reported at
     * start-up rather than with the first event.
     *
     * @throws HgUnavailableException when the server cannot be started
     */
    public static CommandServerHg start(HgOptions options) throws HgUnavailableException {
        CommandServerHg hg = new CommandServerHg(options);
        hg.lock.lock();
        try {
            hg.server = hg.startServer();
        } finally {
            hg.lock.unlock();
        }
        return hg;
    }

    @Override
    public String executable() {
        return options.executable();
    }

    @Override
    public HgResult run(Path repo, List<String> args, Map<String, String> extraEnv)
            throws HgUnavailableException {
        if (!extraEnv.isEmpty()) {
            return processes.run(repo, args, extraEnv);
        }
        List<String> hgArgs = HgOptions.argumentsFor(repo, args);
        lock.lock();
        try {
            ensureOpen();
            CommandServerProcess current = server;
            if (current == null || !current.isAlive()) {
                if (current != null) {
                    log.warn("hg command server pid={} has exited; starting a new one{}",
                            current.pid(), current.stderrSummary());
                }
                current = startServer();
                server = current;
            }
            try {
                return current.runcommand(hgArgs, args);
            } catch (IOException first) {
                current.kill();
                server = null;
                ensureOpen();
                log.warn("hg command server pid={} failed while running hg {}: {}; "
                        + "restarting it and running the command again", current.pid(), args, first.getMessage());
                CommandServerProcess fresh = startServer();
                server = fresh;
                try {
                    return fresh.runcommand(hgArgs, args);
                } catch (IOException second) {
                    fresh.kill();
                    server = null;
                    ensureOpen();
                    throw new HgUnavailableException("hg command server failed twice running hg "
                            + args + ": " + second.getMessage(), second);
                }
            }
        } finally {
            if (closed) {
                // close() gave up waiting for this command; make sure no server outlives it.
                CommandServerProcess leftover = server;
                server = null;
                if (leftover != null) {
                    leftover.kill();
                }
            }
            lock.unlock();
        }
    }

    /** The pid of the running server, or -1 when none runs. Visible for testing. */
    long pid() {
        CommandServerProcess current = server;
        return current == null ? -1 : current.pid();
    }

    /**
     * Stops the server: waits up to {@link #CLOSE_GRACE} for a running command, then closes the
     * server's input and waits for it to exit, killing it if it does not. A command still running
     * in another thread then fails with {@link HgUnavailableException}.
     */
    @Override
    public void close() {
        closed = true;
        boolean locked = false;
        try {
            locked = lock.tryLock(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            CommandServerProcess current = server;
            server = null;
            if (current == null) {
                return;
            }
            if (locked) {
                current.close(CLOSE_GRACE);
            } else {
                log.warn("hg command server pid={} still busy after {}; killing it", current.pid(), CLOSE_GRACE);
                current.kill();
            }
            log.info("stopped hg command server pid={}", current.pid());
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    private CommandServerProcess startServer() throws HgUnavailableException {
        try {
            CommandServerProcess started = CommandServerProcess.start(options, HELLO_TIMEOUT);
            log.info("started hg command server pid={} executable={}", started.pid(), options.executable());
            return started;
        } catch (IOException e) {
            throw new HgUnavailableException("cannot start hg command server with executable '"
                    + options.executable() + "': " + e.getMessage(), e);
        }
    }

    private void ensureOpen() throws HgUnavailableException {
        if (closed) {
            throw new HgUnavailableException("hg command server client is closed");
        }
    }
}
