package org.vcsreplicator.heads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code hg serve} (hgweb) on one repository with the served-heads extension enabled the
 * way docs/served-heads.md tells operators to, on a port the server picks itself ({@code -p 0}).
 * Public for the end-to-end tests of other modules.
 */
public final class HgwebServer implements AutoCloseable {

    static final String HG = "/usr/bin/hg";
    /** The shipped extension, at the repository root (Maven runs tests in the module directory). */
    static final Path EXTENSION = Path.of("..", "hgext", "vcsreplicator_served.py").toAbsolutePath().normalize();

    private static final Pattern BOUND = Pattern.compile("bound to 127\\.0\\.0\\.1:(\\d+)\\)");

    private final Process process;
    private final Path errorLog;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HgwebServer(Process process, Path errorLog, int port) {
        this.process = process;
        this.errorLog = errorLog;
        this.base = URI.create("http://127.0.0.1:" + port + "/");
    }

    public static HgwebServer start(Path repo, Path logDir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(EXTENSION)) {
            throw new IllegalStateException("extension not found at " + EXTENSION);
        }
        Path errorLog = logDir.resolve("hgweb-errors.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(HG, "serve", "-R", repo.toString(),
                "-a", "127.0.0.1", "-p", "0",
                "-E", errorLog.toString(), "-A", logDir.resolve("hgweb-access.log").toString(),
                "--config", "extensions.vcsreplicator_served=" + EXTENSION,
                "--config", "web.view=replicatedserved"))
                .redirectErrorStream(true);
        builder.environment().put("HGRCPATH", "");
        builder.environment().put("HGPLAIN", "1");
        Process process = builder.start();
        // hg prints "listening at ... (bound to 127.0.0.1:PORT)" once the socket listens; read it
        // off the main thread so a silent hg cannot hang the test.
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                firstLine.complete(out.readLine());
                // Keep draining so hg never blocks on a full pipe.
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                firstLine.complete("unreadable output: " + e);
            }
        }, "hg-serve-output");
        drain.setDaemon(true);
        drain.start();
        String line;
        try {
            line = firstLine.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException("hg serve printed no address within 30 s", e);
        }
        Matcher m = line == null ? null : BOUND.matcher(line);
        if (m == null || !m.find()) {
            process.destroyForcibly();
            throw new IllegalStateException("hg serve did not start: " + line);
        }
        return new HgwebServer(process, errorLog, Integer.parseInt(m.group(1)));
    }

    /** GET {@code path} (relative to the repository's root URL). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** What hgweb wrote to its error log, for failure messages. */
    public String errors() throws IOException {
        return Files.exists(errorLog) ? Files.readString(errorLog) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
