package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vcsreplicator.hg.HgFixtures.HG;
import static org.vcsreplicator.hg.HgFixtures.USERNAME;
import static org.vcsreplicator.hg.HgFixtures.changesetCount;
import static org.vcsreplicator.hg.HgFixtures.commit;
import static org.vcsreplicator.hg.HgFixtures.ok;
import static org.vcsreplicator.hg.HgFixtures.repoWithCommits;
import static org.vcsreplicator.hg.HgFixtures.tipDescription;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command server against the real hg 6.3.2. */
class CommandServerHgIT {

    @TempDir
    Path tmp;

    private CommandServerHg hg;
    private ProcessHg otherProcess;

    @BeforeEach
    void start() throws HgUnavailableException {
        hg = CommandServerHg.start(HgFixtures.options());
        otherProcess = new ProcessHg(HgFixtures.options());
    }

    @AfterEach
    void stop() {
        hg.close();
    }

    @Test
    void initCommitAndLog() throws Exception {
        Path repo = tmp.resolve("repo");
        HgResult init = hg.run(null, "init", repo.toString());
        assertEquals(0, init.exitCode(), init.transcript(HG));
        assertTrue(Files.isDirectory(repo.resolve(".hg")));

        commit(hg, repo, "first");
        commit(hg, repo, "second");

        HgResult log = ok(hg.run(repo, "log", "-T", "{rev}:{desc}\n"));
        assertEquals("1:second\n0:first\n", log.stdout());
        assertEquals("", log.stderr());
        assertEquals(List.of("log", "-T", "{rev}:{desc}\n"), log.args());
    }

    @Test
    void failedCommandReportsOnStderrAndServerStaysUp() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        long pid = hg.pid();

        HgResult result = hg.run(repo, "log", "-r", "nonexistent");

        assertEquals(255, result.exitCode());
        assertEquals("", result.stdout());
        assertEquals("abort: unknown revision 'nonexistent'\n", result.stderr());
        assertEquals(HgFailureKind.UNKNOWN_REVISION, HgFailureClassifier.classify(result).kind());
        assertEquals("first", tipDescription(hg, repo));
        assertEquals(pid, hg.pid(), "the same server answers after an error");
    }

    @Test
    void restartsTransparentlyAfterTheServerIsKilled() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        long pid = hg.pid();
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();

        server.destroyForcibly();
        server.onExit().get(10, TimeUnit.SECONDS);

        assertEquals("first", tipDescription(hg, repo));
        assertNotEquals(pid, hg.pid());
        assertTrue(hg.pid() > 0);
    }

    @Test
    void rerunsTheCommandWhenTheServerDiesDuringIt() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        long pid = hg.pid();
        Path started = tmp.resolve("started");
        Path release = tmp.resolve("release");
        CompletableFuture<HgResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return hg.run(repo, HgFixtures.blockingLog(started, release));
            } catch (HgUnavailableException e) {
                throw new CompletionException(e);
            }
        });
        HgFixtures.awaitFile(started);

        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(10, TimeUnit.SECONDS);
        Files.createFile(release);

        HgResult result = running.get(30, TimeUnit.SECONDS);
        assertEquals(0, result.exitCode(), result.transcript(HG));
        assertEquals("first", result.stdout());
        assertNotEquals(pid, hg.pid(), "a new server ran the command again");
    }

    @Test
    void seesChangesMadeByAnotherProcess() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        Path upstream = repoWithCommits(otherProcess, tmp.resolve("upstream"), "u1", "u2");
        assertEquals("first", tipDescription(hg, repo));

        commit(otherProcess, repo, "second");
        assertEquals("second", tipDescription(hg, repo));

        ok(otherProcess.run(repo, "pull", "--force", upstream.toString()));
        assertEquals(4, changesetCount(hg, repo));
        assertEquals("u2", ok(hg.run(repo, "log", "-r", "max(all())", "-T", "{desc}")).stdout());
    }

    @Test
    void pullsRecoversAndSetsPushkeysThroughTheServer() throws Exception {
        Path master = repoWithCommits(hg, tmp.resolve("master"), "one", "two");
        Path mirror = repoWithCommits(hg, tmp.resolve("mirror"));

        // A crashed transaction on the mirror blocks the pull until `hg recover`.
        Files.writeString(mirror.resolve(".hg/store/journal"), "");
        HgResult blocked = hg.run(mirror, "pull", master.toString());
        assertEquals(255, blocked.exitCode());
        assertEquals(HgFailureKind.ABANDONED_TRANSACTION, HgFailureClassifier.classify(blocked).kind());

        HgResult recover = ok(hg.run(mirror, "recover"));
        assertTrue(recover.output().contains("rolling back interrupted transaction"), recover.output());
        assertEquals(1, hg.run(mirror, "recover").exitCode(), "nothing left to recover");

        HgResult pull = ok(hg.run(mirror, "pull", master.toString()));
        assertTrue(pull.stdout().contains("added 2 changesets"), pull.stdout());
        assertEquals(2, changesetCount(hg, mirror));

        String tip = ok(hg.run(master, "log", "-r", "tip", "-T", "{node}")).stdout();
        HgResult set = ok(hg.run(null, "debugpushkey", mirror.toString(), "bookmarks", "release", "", tip));
        assertEquals("True\n", set.stdout());
        HgResult list = ok(hg.run(null, "debugpushkey", mirror.toString(), "bookmarks"));
        assertEquals("release\t" + tip + "\n", list.stdout());
    }

    @Test
    void clonesWithoutARepository() throws Exception {
        Path source = repoWithCommits(hg, tmp.resolve("source"), "one");
        Path copy = tmp.resolve("copy");

        ok(hg.run(null, "clone", "--noupdate", source.toString(), copy.toString()));

        assertEquals("one", tipDescription(hg, copy));
    }

    @Test
    void reportsUnsupportedRequirements() throws Exception {
        Path dirstateV2 = tmp.resolve("dirstate-v2");
        ok(otherProcess.run(null, "init", "--config", "format.use-dirstate-v2=true",
                "--config", "storage.dirstate-v2.slow-path=allow", dirstateV2.toString()));
        Path nodemap = tmp.resolve("nodemap");
        ok(otherProcess.run(null, "init", "--config", "format.use-persistent-nodemap=true",
                "--config", "storage.revlog.persistent-nodemap.slow-path=allow", nodemap.toString()));

        HgResult first = hg.run(dirstateV2, "log");
        HgFailure failure = HgFailureClassifier.classify(first);
        assertEquals(HgFailureKind.UNSUPPORTED_REQUIREMENT, failure.kind(), first.transcript(HG));
        assertEquals(List.of("dirstate-v2"), failure.requirements());

        HgResult second = hg.run(nodemap, "pull", dirstateV2.toString());
        assertEquals(List.of("persistent-nodemap"), HgFailureClassifier.classify(second).requirements(),
                second.transcript(HG));
    }

    @Test
    void answersInputRequestsWithEndOfInput() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        long pid = hg.pid();

        // `import -` reads the patch from stdin, which for a command server is the 'I' channel.
        HgResult result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> hg.run(repo, "import", "-"));

        assertEquals(255, result.exitCode(), result.transcript(HG));
        assertEquals(List.of("applying patch from stdin", "abort: stdin: no diffs found"), result.outputLines());
        assertEquals(pid, hg.pid());
        assertEquals("first", tipDescription(hg, repo));
    }

    @Test
    void perCallEnvironmentRunsInAFreshProcess() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");
        long pid = hg.pid();
        Files.writeString(repo.resolve("f"), "changed\n");

        ok(hg.run(repo, List.of("commit", "-m", "by env"), Map.of("HGUSER", "env-user")));

        assertEquals("env-user", ok(hg.run(repo, "log", "-r", "tip", "-T", "{author}")).stdout());
        assertEquals(pid, hg.pid());
    }

    @Test
    void serverGetsTheConfiguredEnvironment() throws Exception {
        try (CommandServerHg withUser = CommandServerHg.start(
                HgFixtures.options().withEnvironment(Map.of("HGUSER", "configured-user")))) {
            Path repo = tmp.resolve("repo");
            ok(withUser.run(null, "init", repo.toString()));
            Files.writeString(repo.resolve("f"), "x\n");
            ok(withUser.run(repo, "commit", "-A", "-m", "one"));
            assertEquals("configured-user", ok(withUser.run(repo, "log", "-r", "tip", "-T", "{author}")).stdout());
        }
    }

    @Test
    void roundTripsNonAsciiTextAsUtf8() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "café ☕");

        assertEquals("café ☕", tipDescription(hg, repo));
    }

    @Test
    void configOfOneCommandDoesNotLeakIntoTheNext() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "first");

        assertEquals("test", ok(hg.run(repo, "config", "ui.username", USERNAME)).stdout().strip());

        assertEquals(1, hg.run(repo, "config", "ui.username").exitCode(), "not set any more");
    }

    @Test
    void closeStopsTheServerAndLaterCallsFail() throws Exception {
        ok(hg.run(null, "version", "-q"));
        ProcessHandle server = ProcessHandle.of(hg.pid()).orElseThrow();

        hg.close();

        server.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(server.isAlive());
        HgUnavailableException e = assertThrows(HgUnavailableException.class, () -> hg.run(null, "version"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        hg.close();
    }

    @Test
    void cannotStartWithAMissingExecutable() {
        HgUnavailableException e = assertThrows(HgUnavailableException.class,
                () -> CommandServerHg.start(HgOptions.defaults("/nonexistent/bin/hg")));
        assertTrue(e.getMessage().contains("/nonexistent/bin/hg"), e.getMessage());
    }

    @Test
    void cannotStartWithAnExecutableThatIsNotHg() {
        HgUnavailableException e = assertThrows(HgUnavailableException.class,
                () -> CommandServerHg.start(HgOptions.defaults("/bin/false")));
        assertTrue(e.getMessage().contains("exited before greeting"), e.getMessage());
    }
}
