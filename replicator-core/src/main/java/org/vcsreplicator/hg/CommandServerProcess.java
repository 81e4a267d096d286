package org.vcsreplicator.hg;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code hg serve --cmdserver pipe} process and its wire protocol.
 *
 * <p>Protocol (Mercurial's commandserver.py): the server greets on channel {@code o}; each
 * request is {@code runcommand\n}, a 4-byte big-endian length and the NUL-separated arguments.
 * Every answer frame is a channel byte and a 4-byte big-endian length: {@code o}/{@code e} carry
 * output, {@code r} the 4-byte result and ends the command; {@code I}/{@code L} ask for input of at
 * most that many bytes and carry no data, and we answer with an empty chunk (end of input) so no
 * command ever waits. Lower-case channels we do not know are optional and skipped; an unknown
 * upper-case channel is a protocol violation.
 *
 * <p>Not thread-safe: {@link CommandServerHg} serialises use. An {@link IOException} from
 * {@link #runcommand} means the stream is in an unknown state; the process must be discarded.
 */
final class CommandServerProcess {

    private static final Logger log = LoggerFactory.getLogger(CommandServerProcess.class);

    private static final int STDERR_TAIL_LINES = 20;

    private final Process process;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private Thread stderrReader;

    private CommandServerProcess(Process process) {
        this.process = process;
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 65536));
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 8192));
    }

    /**
     * Starts a server and waits for its hello.
     *
     * @throws IOException when the process cannot start or does not greet within {@code helloTimeout}
     */
    static CommandServerProcess start(HgOptions options, Duration helloTimeout) throws IOException {
        List<String> command = List.of(
                options.executable(), "serve", "--cmdserver", "pipe", "--config", "ui.interactive=false");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(HgOptions.WORKING_DIRECTORY.toFile());
        Map<String, String> env = options.environmentFor(Map.of());
        builder.environment().putAll(env);
        Process process = builder.start();
        CommandServerProcess server = new CommandServerProcess(process);
        server.drainStderr();
        // A server that never greets (a wrong executable that reads stdin, say) must not hang us.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(
                () -> {
                    if (process.isAlive()) {
                        log.warn("hg command server pid={} did not greet within {}; killing it",
                                process.pid(), helloTimeout);
                        process.destroyForcibly();
                    }
                },
                CompletableFuture.delayedExecutor(helloTimeout.toMillis(), TimeUnit.MILLISECONDS));
        try {
            server.readHello();
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException(e.getMessage() + server.stderrSummary(), e);
        } finally {
            watchdog.cancel(false);
        }
        return server;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Last lines the server wrote to its own stderr (outside the protocol), for error messages. */
    String stderrSummary() {
        synchronized (stderrTail) {
            if (stderrTail.isEmpty()) {
                return "";
            }
            return "; hg stderr: " + String.join(" | ", stderrTail);
        }
    }

    /**
     * Runs one command.
     *
     * @param hgArgs the arguments sent to the server (including {@code -R})
     * @param reportedArgs the arguments recorded in the result (the caller's)
     * @throws IOException when the server died or broke the protocol
     */
    HgResult runcommand(List<String> hgArgs, List<String> reportedArgs) throws IOException {
        byte[] payload = String.join("\0", hgArgs).getBytes(StandardCharsets.UTF_8);
        out.write("runcommand\n".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ByteArrayOutputStream combined = new ByteArrayOutputStream();
        while (true) {
            int channel = in.read();
            if (channel == -1) {
                throw new EOFException("hg command server pid=" + pid() + " closed its output"
                        + exitDescription());
            }
            int length = in.readInt();
            switch (channel) {
                case 'o':
                    copy(length, stdout, combined);
                    break;
                case 'e':
                    copy(length, stderr, combined);
                    break;
                case 'r':
                    if (length != 4) {
                        throw new IOException("hg command server pid=" + pid()
                                + " sent a result of " + length + " bytes, expected 4");
                    }
                    int exitCode = in.readInt();
                    return new HgResult(
                            reportedArgs,
                            exitCode,
                            stdout.toString(StandardCharsets.UTF_8),
                            stderr.toString(StandardCharsets.UTF_8),
                            combined.toString(StandardCharsets.UTF_8));
                case 'I':
                case 'L':
                    // Empty input: hg sees end of file instead of waiting for a user.
                    out.writeInt(0);
                    out.flush();
                    break;
                default:
                    if (Character.isUpperCase(channel)) {
                        throw new IOException("hg command server pid=" + pid()
                                + " requires unknown channel '" + (char) channel + "'");
                    }
                    in.skipNBytes(length);
                    break;
            }
        }
    }

    /**
     * Ends the server: closing stdin makes it exit after the current command; after
     * {@code grace} it is killed.
     */
    void close(Duration grace) {
        try {
            out.close();
        } catch (IOException e) {
            log.debug("closing stdin of hg command server pid={}: {}", pid(), e.toString());
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("hg command server pid={} still running {} after stdin closed; killing it",
                        pid(), grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }

    /** Kills the process at once (after a protocol error). */
    void kill() {
        process.destroyForcibly();
    }

    private void readHello() throws IOException {
        int channel = in.read();
        if (channel == -1) {
            throw new EOFException("hg command server exited before greeting" + exitDescription());
        }
        int length = in.readInt();
        if (channel != 'o') {
            throw new IOException("hg command server greeted on channel '" + (char) channel
                    + "' instead of 'o'");
        }
        String hello = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        boolean canRun = false;
        for (String line : hello.split("\n")) {
            if (line.startsWith("capabilities:")) {
                canRun = List.of(line.substring("capabilities:".length()).trim().split(" "))
                        .contains("runcommand");
            }
        }
        if (!canRun) {
            throw new IOException("hg command server does not offer runcommand; hello was: " + hello);
        }
    }

    private void copy(int length, ByteArrayOutputStream target, ByteArrayOutputStream combined)
            throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length != length) {
            throw new EOFException("hg command server pid=" + pid() + " ended inside a frame"
                    + exitDescription());
        }
        target.write(data);
        combined.write(data);
    }

    private String exitDescription() {
        try {
            // The output closed, so the process is ending; give it a moment to report its status.
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                stderrReader.join(1000);
                return " (exit code " + process.exitValue() + ")" + stderrSummary();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stderrSummary();
    }

    private void drainStderr() {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.warn("hg command server pid={} stderr: {}", process.pid(), line);
                    synchronized (stderrTail) {
                        if (stderrTail.size() == STDERR_TAIL_LINES) {
                            stderrTail.removeFirst();
                        }
                        stderrTail.addLast(line);
                    }
                }
            } catch (IOException e) {
                log.debug("stderr of hg command server pid={} closed: {}", process.pid(), e.toString());
            }
        }, "hg-cmdserver-stderr-" + process.pid());
        thread.setDaemon(true);
        thread.start();
        stderrReader = thread;
    }
}
