package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Small helpers to build real repositories in tests. */
final class HgFixtures {

    static final String HG = "/usr/bin/hg";
    static final String USERNAME = "--config=ui.username=test";

    private HgFixtures() {}

    static HgOptions options() {
        return HgOptions.defaults(HG);
    }

    /** Asserts success, showing the transcript when it failed. */
    static HgResult ok(HgResult result) {
        assertTrue(result.succeeded(), () -> result.transcript(HG));
        return result;
    }

    /** {@code hg init dir}, then one commit per message (each changing file {@code f}). */
    static Path repoWithCommits(Hg hg, Path dir, String... messages) throws HgUnavailableException, IOException {
        ok(hg.run(null, "init", dir.toString()));
        for (String message : messages) {
            commit(hg, dir, message);
        }
        return dir;
    }

    static void commit(Hg hg, Path repo, String message) throws HgUnavailableException, IOException {
        Files.writeString(repo.resolve("f"), message + "\n");
        ok(hg.run(repo, "commit", "-A", "-m", message, USERNAME));
    }

    static String tipDescription(Hg hg, Path repo) throws HgUnavailableException {
        return ok(hg.run(repo, "log", "-r", "tip", "-T", "{desc}")).stdout();
    }

    static int changesetCount(Hg hg, Path repo) throws HgUnavailableException {
        String revs = ok(hg.run(repo, "log", "-T", "{rev}\n")).stdout();
        return HgResult.splitLines(revs).size();
    }

    /**
     * {@code log -r tip -T {desc}} with a pre-command hook that creates {@code started} and then
     * waits until {@code release} exists: a command that stays in progress until the test says.
     */
    static List<String> blockingLog(Path started, Path release) {
        String hook = "touch '" + started + "'; while [ ! -e '" + release + "' ]; do sleep 0.02; done";
        return List.of("log", "-r", "tip", "-T", "{desc}", "--config", "hooks.pre-log=" + hook);
    }

    /** Polls for a file with a deadline. */
    static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + file);
            }
            Thread.sleep(5);
        }
    }

    static void assertLines(List<String> expected, String text) {
        assertEquals(expected, HgResult.splitLines(text));
    }
}
