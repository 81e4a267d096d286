package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message below was printed by the installed Mercurial 6.3.2 (HGPLAIN=1) for the command
 * shown, unless marked otherwise.
 *
 * @see HgFailureClassifierIT for the same classification of live hg output
 */
class HgFailureClassifierTest {

    static Stream<Arguments> realFailures() {
        return Stream.of(
                row("log -r nonexistent", List.of("log", "-r", "nonexistent"), "",
                        "abort: unknown revision 'nonexistent'\n",
                        HgFailureKind.UNKNOWN_REVISION, "abort: unknown revision 'nonexistent'"),
                row("pull -r <absent node> from a local repo",
                        List.of("pull", "-r", "0123456789012345678901234567890123456789", "/srv/a"),
                        "pulling from /srv/a\n",
                        "abort: unknown revision '0123456789012345678901234567890123456789'\n",
                        HgFailureKind.UNKNOWN_REVISION,
                        "abort: unknown revision '0123456789012345678901234567890123456789'"),
                row("-R missing log", List.of("log"), "",
                        "abort: repository /tmp/hgx/nope not found\n",
                        HgFailureKind.REPO_NOT_FOUND, "abort: repository /tmp/hgx/nope not found"),
                row("no -R outside any repository", List.of("log"), "",
                        "abort: no repository found in '/' (.hg not found)\n",
                        HgFailureKind.REPO_NOT_FOUND, "abort: no repository found in '/' (.hg not found)"),
                row("debugpushkey on a missing repo",
                        List.of("debugpushkey", "/tmp/hgx/zz", "bookmarks"), "",
                        "warning: --repository ignored\nabort: repository /tmp/hgx/zz not found\n",
                        HgFailureKind.REPO_NOT_FOUND, "abort: repository /tmp/hgx/zz not found"),
                row("pull from a missing local source", List.of("pull", "/tmp/hgx/nothere"),
                        "pulling from /tmp/hgx/nothere\n",
                        "abort: repository /tmp/hgx/nothere not found\n",
                        HgFailureKind.REMOTE_REPO_NOT_FOUND, "abort: repository /tmp/hgx/nothere not found"),
                row("pull over ssh, remote repo missing", List.of("pull", "ssh://x/nothere"),
                        "pulling from ssh://x/nothere\n",
                        "remote: abort: repository nothere not found\nabort: no suitable response from remote hg\n",
                        HgFailureKind.REMOTE_REPO_NOT_FOUND, "remote: abort: repository nothere not found"),
                row("pull over http, 404", List.of("pull", "http://127.0.0.1:18931/nope"),
                        "pulling from http://127.0.0.1:18931/nope\n",
                        "abort: HTTP Error 404: File not found\n",
                        HgFailureKind.REMOTE_REPO_NOT_FOUND, "abort: HTTP Error 404: File not found"),
                row("pull over http from a plain web server", List.of("pull", "http://127.0.0.1:18931/"),
                        "pulling from http://127.0.0.1:18931/\n",
                        "abort: 'http://127.0.0.1:18931/' does not appear to be an hg repository:\n"
                                + "---%<--- (text/html; charset=utf-8)\n<!DOCTYPE HTML>\n---%<---\n\n",
                        HgFailureKind.REMOTE_REPO_NOT_FOUND,
                        "abort: 'http://127.0.0.1:18931/' does not appear to be an hg repository:"),
                row("pull over http, connection refused", List.of("pull", "http://127.0.0.1:1/foo"),
                        "pulling from http://127.0.0.1:1/foo\n", "abort: error: Connection refused\n",
                        HgFailureKind.REMOTE_UNREACHABLE, "abort: error: Connection refused"),
                row("pull over http, unknown host", List.of("pull", "http://nonexistent.invalid/foo"),
                        "pulling from http://nonexistent.invalid/foo\n", "abort: error: Name or service not known\n",
                        HgFailureKind.REMOTE_UNREACHABLE, "abort: error: Name or service not known"),
                row("pull over ssh, connection refused", List.of("pull", "ssh://127.0.0.1:1/foo"),
                        "pulling from ssh://127.0.0.1:1/foo\n",
                        "remote: ssh: connect to host 127.0.0.1 port 1: Connection refused\n"
                                + "abort: no suitable response from remote hg\n",
                        HgFailureKind.REMOTE_UNREACHABLE, "abort: no suitable response from remote hg"),
                row("pull over ssh, unknown host", List.of("pull", "ssh://nonexistent.invalid/foo"),
                        "pulling from ssh://nonexistent.invalid/foo\n",
                        "remote: ssh: Could not resolve hostname nonexistent.invalid: Name or service not known\n"
                                + "abort: no suitable response from remote hg\n",
                        HgFailureKind.REMOTE_UNREACHABLE, "abort: no suitable response from remote hg"),
                row("pull with a failing ssh command", List.of("pull", "--ssh", "false", "ssh://x/foo"),
                        "pulling from ssh://x/foo\n", "abort: no suitable response from remote hg\n",
                        HgFailureKind.REMOTE_UNREACHABLE, "abort: no suitable response from remote hg"),
                row("pull over ssh, remote has an unknown requirement", List.of("pull", "ssh://x/u4"),
                        "pulling from ssh://x/u4\n",
                        "remote: abort: repository requires features unknown to this Mercurial: aaa zzz\n"
                                + "remote: (see https://mercurial-scm.org/wiki/MissingRequirement for more information)\n"
                                + "abort: no suitable response from remote hg\n",
                        HgFailureKind.OTHER,
                        "remote: abort: repository requires features unknown to this Mercurial: aaa zzz"),
                row("pull into a repo with a stale journal", List.of("pull", "/srv/a"),
                        "pulling from /srv/a\n",
                        "abort: abandoned transaction found\n(run 'hg recover' to clean up transaction)\n",
                        HgFailureKind.ABANDONED_TRANSACTION, "abort: abandoned transaction found"),
                row("store lock held by a live process", List.of("pull", "/srv/a", "--config", "ui.timeout=1"),
                        "pulling from /srv/a\n",
                        "waiting for lock on repository a held by process '8565' on host 'vm'\n"
                                + "abort: repository a: timed out waiting for lock held by 'vm:8565'\n",
                        HgFailureKind.LOCK_HELD, "abort: repository a: timed out waiting for lock held by 'vm:8565'"),
                row("working-directory lock held", List.of("commit", "-m", "x"), "",
                        "waiting for lock on working directory of a held by process '8565' on host 'vm'\n"
                                + "abort: working directory of a: timed out waiting for lock held by 'vm:8565'\n",
                        HgFailureKind.LOCK_HELD,
                        "abort: working directory of a: timed out waiting for lock held by 'vm:8565'"),
                row("recover with nothing to recover", List.of("recover"), "", "no interrupted transaction available\n",
                        HgFailureKind.OTHER, "no interrupted transaction available"),
                row("corrupt manifest (message from test-corrupt-repo-replication.t)", List.of("pull", "ssh://hgssh/x"),
                        "pulling from ssh://hgssh/x\nsearching for changes\nadding changesets\nadding manifests\n",
                        "transaction abort!\nrollback completed\nabort: unknown version (29298) in revlog 00manifest\n",
                        HgFailureKind.OTHER, "abort: unknown version (29298) in revlog 00manifest"),
                row("silent failure", List.of("debugpushkey", "/srv/a", "bookmarks", "foo", "", "1111"), "False\n", "",
                        HgFailureKind.OTHER, "False"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFailures")
    void classifiesRealHgMessages(String description, HgResult result, HgFailureKind kind, String message) {
        HgFailure failure = HgFailureClassifier.classify(result);
        assertEquals(kind, failure.kind(), description);
        assertEquals(message, failure.message(), description);
        assertEquals(List.of(), failure.requirements(), description);
    }

    static Stream<Arguments> unsupportedRequirements() {
        return Stream.of(
                Arguments.of("abort: accessing `dirstate-v2` repository without associated fast implementation.\n"
                        + "(check `hg help config.format.use-dirstate-v2` for details)\n", List.of("dirstate-v2")),
                Arguments.of("abort: accessing `persistent-nodemap` repository without associated fast implementation.\n"
                        + "(check `hg help config.format.use-persistent-nodemap` for details)\n",
                        List.of("persistent-nodemap")),
                Arguments.of("abort: repository requires features unknown to this Mercurial: fancy-feature\n"
                        + "(see https://mercurial-scm.org/wiki/MissingRequirement for more information)\n",
                        List.of("fancy-feature")),
                Arguments.of("abort: repository requires features unknown to this Mercurial: aaa zzz\n"
                        + "(see https://mercurial-scm.org/wiki/MissingRequirement for more information)\n",
                        List.of("aaa", "zzz")),
                // Older Mercurial (4.x) ended the line with '!'; not captured here.
                Arguments.of("abort: repository requires features unknown to this Mercurial: treemanifest!\n",
                        List.of("treemanifest")));
    }

    @ParameterizedTest
    @MethodSource("unsupportedRequirements")
    void namesUnsupportedRequirements(String stderr, List<String> requirements) {
        HgResult result = new HgResult(List.of("log"), 255, "", stderr);
        HgFailure failure = HgFailureClassifier.classify(result);
        assertEquals(HgFailureKind.UNSUPPORTED_REQUIREMENT, failure.kind());
        assertEquals(requirements, failure.requirements());
        assertTrue(failure.message().startsWith("abort: "), failure.message());
        assertEquals(requirements, HgFailureClassifier.unsupportedRequirements(result));
        assertFalse(failure.isTransient());
    }

    @Test
    void onlyLockHeldAndRemoteUnreachableAreTransient() {
        for (HgFailureKind kind : HgFailureKind.values()) {
            boolean expected = kind == HgFailureKind.LOCK_HELD || kind == HgFailureKind.REMOTE_UNREACHABLE;
            assertEquals(expected, kind.isTransient(), kind.name());
        }
    }

    @Test
    void abandonedTransactionWinsOverLaterErrors() {
        HgResult result = new HgResult(List.of("pull"), 255, "",
                "abort: abandoned transaction found\n(run 'hg recover' to clean up transaction)\n"
                        + "abort: error: Connection refused\n");
        assertEquals(HgFailureKind.ABANDONED_TRANSACTION, HgFailureClassifier.classify(result).kind());
    }

    @Test
    void remoteAbandonedTransactionIsNotOursToRecover() {
        HgResult result = new HgResult(List.of("pull", "ssh://x/y"), 255, "",
                "remote: abort: abandoned transaction found\n"
                        + "remote: (run 'hg recover' to clean up transaction)\n"
                        + "abort: no suitable response from remote hg\n");
        assertEquals(HgFailureKind.OTHER, HgFailureClassifier.classify(result).kind());
    }

    @Test
    void httpServerErrorsAreTransient() {
        HgResult result = new HgResult(List.of("pull", "https://hg/x"), 255, "pulling from https://hg/x\n",
                "abort: HTTP Error 503: Service Unavailable\n");
        assertEquals(HgFailureKind.REMOTE_UNREACHABLE, HgFailureClassifier.classify(result).kind());
    }

    @Test
    void refusesToClassifySuccess() {
        assertThrows(IllegalArgumentException.class,
                () -> HgFailureClassifier.classify(new HgResult(List.of("log"), 0, "", "")));
    }

    private static Arguments row(String description, List<String> args, String stdout, String stderr,
            HgFailureKind kind, String message) {
        return Arguments.of(description, new HgResult(args, 255, stdout, stderr), kind, message);
    }
}
