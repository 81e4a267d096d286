package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vcsreplicator.hg.HgFixtures.HG;
import static org.vcsreplicator.hg.HgFixtures.repoWithCommits;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier on output produced live by the installed hg, so a rewording in a Mercurial
 * upgrade shows up here.
 *
 * @see HgFailureClassifierTest
 */
class HgFailureClassifierIT {

    private static Hg hg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws HgUnavailableException {
        hg = HgFactory.open(HgFixtures.options());
    }

    @AfterAll
    static void stop() {
        hg.close();
    }

    @Test
    void missingRepository() throws Exception {
        assertKind(HgFailureKind.REPO_NOT_FOUND, hg.run(tmp.resolve("absent"), "log"));
        assertKind(HgFailureKind.REPO_NOT_FOUND, hg.run(null, "debugpushkey", tmp.resolve("absent").toString(), "bookmarks"));
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "one");
        assertKind(HgFailureKind.REMOTE_REPO_NOT_FOUND, hg.run(repo, "pull", tmp.resolve("absent").toString()));
    }

    @Test
    void unknownRevisionOnPull() throws Exception {
        Path source = repoWithCommits(hg, tmp.resolve("source"), "one");
        Path repo = repoWithCommits(hg, tmp.resolve("repo"));
        assertKind(HgFailureKind.UNKNOWN_REVISION,
                hg.run(repo, "pull", "-r", "0123456789012345678901234567890123456789", source.toString()));
    }

    @Test
    void lockHeldByAnotherHost() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"), "one");
        // A lock owned by another host: hg cannot tell whether it is stale, so it waits.
        Files.createSymbolicLink(repo.resolve(".hg/store/lock"), Path.of("elsewhere.invalid:4242"));
        assertKind(HgFailureKind.LOCK_HELD, hg.run(repo, "pull", "--config", "ui.timeout=1", repo.toString()));
    }

    @Test
    void unreachableRemote() throws Exception {
        Path repo = repoWithCommits(hg, tmp.resolve("repo"));
        assertKind(HgFailureKind.REMOTE_UNREACHABLE, hg.run(repo, "pull", "http://127.0.0.1:1/repo"));
        assertKind(HgFailureKind.REMOTE_UNREACHABLE, hg.run(repo, "pull", "--ssh", "false", "ssh://nowhere/repo"));
    }

    private static void assertKind(HgFailureKind expected, HgResult result) {
        assertEquals(expected, HgFailureClassifier.classify(result).kind(), result.transcript(HG));
    }
}
