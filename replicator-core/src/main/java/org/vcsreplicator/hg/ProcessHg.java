package org.vcsreplicator.hg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every hg command as a fresh process (about 250 ms each on these machines).
 *
 * <p>Used when command servers are turned off, and for calls with per-call environment. Standard
 * input is closed at once, so hg never waits for input. Stdout is read by the calling thread,
 * stderr by a short-lived helper thread; the combined output interleaves them in arrival order.
 *
 * <p>Thread-safe and stateless between calls; {@link #close()} does nothing.
 */
public final class ProcessHg implements Hg {

    private static final Logger log = LoggerFactory.getLogger(ProcessHg.class);

    private final HgOptions options;

    public ProcessHg(HgOptions options) {
        this.options = options;
    }

    @Override
    public String executable() {
        return options.executable();
    }

    @Override
    public HgResult run(Path repo, List<String> args, Map<String, String> extraEnv)
            throws HgUnavailableException {
        List<String> command = new ArrayList<>();
        command.add(options.executable());
        command.addAll(HgOptions.argumentsFor(repo, args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(HgOptions.WORKING_DIRECTORY.toFile());
        builder.environment().putAll(options.environmentFor(extraEnv));

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HgUnavailableException(
                    "cannot run hg executable '" + options.executable() + "': " + e.getMessage(), e);
        }
        log.debug("started hg pid={} args={}", process.pid(), args);
        try {
            process.getOutputStream().close();
            Captured captured = new Captured();
            Thread errReader = new Thread(
                    () -> captured.drain(process.getErrorStream(), captured.stderr),
                    "hg-stderr-" + process.pid());
            errReader.setDaemon(true);
            errReader.start();
            captured.drain(process.getInputStream(), captured.stdout);
            errReader.join();
            int exitCode = process.waitFor();
            return captured.toResult(args, exitCode);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new HgUnavailableException("lost contact with hg pid=" + process.pid() + ": " + e, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HgUnavailableException(
                    "interrupted while hg pid=" + process.pid() + " was running " + args, e);
        }
    }

    /** Output of one process; the three buffers are guarded by {@code this}. */
    private static final class Captured {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final ByteArrayOutputStream combined = new ByteArrayOutputStream();

        void drain(InputStream in, ByteArrayOutputStream target) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    synchronized (this) {
                        target.write(buffer, 0, n);
                        combined.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process went away; what was read so far is all there is.
                log.debug("reading hg output stopped: {}", e.toString());
            }
        }

        synchronized HgResult toResult(List<String> args, int exitCode) {
            return new HgResult(
                    args,
                    exitCode,
                    stdout.toString(StandardCharsets.UTF_8),
                    stderr.toString(StandardCharsets.UTF_8),
                    combined.toString(StandardCharsets.UTF_8));
        }
    }
}
