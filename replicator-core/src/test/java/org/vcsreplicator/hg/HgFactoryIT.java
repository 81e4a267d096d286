package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vcsreplicator.hg.HgFixtures.HG;
import static org.vcsreplicator.hg.HgFixtures.ok;
import static org.vcsreplicator.hg.HgFixtures.repoWithCommits;
import static org.vcsreplicator.hg.HgFixtures.tipDescription;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways of running hg, as chosen by the factory, against the real hg. */
class HgFactoryIT {

    @TempDir
    Path tmp;

    @Test
    void plainProcessesRunEveryCommand() throws Exception {
        try (Hg hg = HgFactory.open(HgFixtures.options().withPlainProcesses(true))) {
            assertInstanceOf(ProcessHg.class, hg);
            Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first", "second");

            assertEquals("second", tipDescription(hg, repo));
            HgResult error = hg.run(repo, "log", "-r", "nonexistent");
            assertEquals(255, error.exitCode());
            assertEquals("abort: unknown revision 'nonexistent'\n", error.stderr());
            assertEquals(List.of("  $ /usr/bin/hg log -r nonexistent",
                    "  > abort: unknown revision 'nonexistent'", "  [255]"), error.transcriptLines(HG));

            Files.writeString(repo.resolve("f"), "third\n");
            ok(hg.run(repo, List.of("commit", "-m", "third"), Map.of("HGUSER", "env-user")));
            assertEquals("env-user", ok(hg.run(repo, "log", "-r", "tip", "-T", "{author}")).stdout());
        }
    }

    @Test
    void openRefusesAMissingExecutableEitherWay() {
        HgOptions missing = HgOptions.defaults("/nonexistent/bin/hg");
        HgUnavailableException plain = assertThrows(HgUnavailableException.class,
                () -> HgFactory.open(missing.withPlainProcesses(true)));
        assertTrue(plain.getMessage().contains("/nonexistent/bin/hg"), plain.getMessage());
        HgUnavailableException server = assertThrows(HgUnavailableException.class, () -> HgFactory.open(missing));
        assertTrue(server.getMessage().contains("/nonexistent/bin/hg"), server.getMessage());
    }

    @Test
    void poolRunsASecondCommandWhileTheFirstIsBusy() throws Exception {
        try (Hg opened = HgFactory.open(HgFixtures.options().withMaxServers(2))) {
            CommandServerPool pool = assertInstanceOf(CommandServerPool.class, opened);
            Path slow = repoWithCommits(pool, tmp.resolve("slow"), "slow");
            Path quick = repoWithCommits(pool, tmp.resolve("quick"), "quick");
            assertEquals(1, pool.size(), "one caller at a time needs one server");

            Path started = tmp.resolve("started");
            Path release = tmp.resolve("release");
            CompletableFuture<HgResult> busy = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.run(slow, HgFixtures.blockingLog(started, release));
                } catch (HgUnavailableException e) {
                    throw new CompletionException(e);
                }
            });
            HgFixtures.awaitFile(started);

            assertEquals("quick", tipDescription(pool, quick));
            assertEquals(2, pool.size());

            Files.createFile(release);
            assertEquals("slow", busy.get(30, TimeUnit.SECONDS).stdout());
        }
    }
}
