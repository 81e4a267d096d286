package org.vcsreplicator.hg;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Up to {@code maxServers} {@link CommandServerHg}s, one per concurrently running command, so a
 * long pull in one repository does not hold up commands for others (SPEC 7: a slow repository
 * must not hold up the others).
 *
 * <p>Servers start lazily, one when the pool is created and more only when every started one is
 * busy; the most recently used idle server is reused first, so a single-threaded caller keeps
 * using one process. Callers beyond the limit wait for a server to come free.
 *
 * <p>Thread-safe: the idle list and counts are guarded by {@code monitor}.
 */
final class CommandServerPool implements Hg {

    private final HgOptions options;
    private final ProcessHg processes;
    private final Object monitor = new Object();
    private final Deque<CommandServerHg> idle = new ArrayDeque<>();
    private final List<CommandServerHg> all = new ArrayList<>();
    private boolean closed;

    private CommandServerPool(HgOptions options) {
        this.options = options;
        this.processes = new ProcessHg(options);
    }

    /** Creates the pool with one running server. */
    static CommandServerPool start(HgOptions options) throws HgUnavailableException {
        CommandServerPool pool = new CommandServerPool(options);
        CommandServerHg first = CommandServerHg.start(options);
        pool.idle.push(first);
        pool.all.add(first);
        return pool;
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
        CommandServerHg hg = borrow();
        try {
            return hg.run(repo, args, Map.of());
        } finally {
            giveBack(hg);
        }
    }

    /** Servers created so far. Visible for testing. */
    int size() {
        synchronized (monitor) {
            return all.size();
        }
    }

    @Override
    public void close() {
        List<CommandServerHg> toClose;
        synchronized (monitor) {
            closed = true;
            toClose = new ArrayList<>(all);
            monitor.notifyAll();
        }
        for (CommandServerHg hg : toClose) {
            hg.close();
        }
    }

    private CommandServerHg borrow() throws HgUnavailableException {
        synchronized (monitor) {
            while (true) {
                if (closed) {
                    throw new HgUnavailableException("hg command server pool is closed");
                }
                if (!idle.isEmpty()) {
                    return idle.pop();
                }
                if (all.size() < options.maxServers()) {
                    CommandServerHg created = new CommandServerHg(options);
                    all.add(created);
                    return created;
                }
                try {
                    // Waiting for a resource, not for time to pass: giveBack() notifies.
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new HgUnavailableException("interrupted while waiting for a free hg command server", e);
                }
            }
        }
    }

    private void giveBack(CommandServerHg hg) {
        synchronized (monitor) {
            if (!closed) {
                idle.push(hg);
                monitor.notify();
                return;
            }
        }
        // close() has already closed (or is closing) every server, this one included.
    }
}
