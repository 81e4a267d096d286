package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** @see CommandServerHgIT for transcripts of real runs */
class HgResultTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // Expected values printed by Python 3's shlex.quote on this machine.
        "hg|hg",
        "-r77538e1ce4bec5f7aac58a7ceca2da0e38e90a72|-r77538e1ce4bec5f7aac58a7ceca2da0e38e90a72",
        "--config=firefoxtree.replication=true|--config=firefoxtree.replication=true",
        "--|--",
        "ssh://hgssh/mozilla-central|ssh://hgssh/mozilla-central",
        "\"\"|''",
        "it's|'it'\"'\"'s'",
        "a b|'a b'",
        "{moz}/x|'{moz}/x'",
        "café|'café'",
        "x=y|x=y",
        "$HOME|'$HOME'",
        "a*|'a*'",
        "~user|'~user'",
        "/usr/bin/hg|/usr/bin/hg",
    })
    void quotesLikePythonShlex(String word, String quoted) {
        assertEquals(quoted, HgResult.shellQuote(word));
    }

    @Test
    void rendersTranscriptLikeTheOriginalConsumer() {
        // Shape of test-autorecover.t: stdout and stderr interleaved in the order written.
        HgResult result = new HgResult(
                List.of("pull", "-r77538e1ce4bec5f7aac58a7ceca2da0e38e90a72",
                        "--config=firefoxtree.replication=true", "--", "ssh://hgssh/mozilla-central"),
                255,
                "pulling from ssh://hgssh/mozilla-central\n",
                "abort: abandoned transaction found\n(run 'hg recover' to clean up transaction)\n",
                "pulling from ssh://hgssh/mozilla-central\nabort: abandoned transaction found\n"
                        + "(run 'hg recover' to clean up transaction)\n");

        assertEquals(String.join("\n",
                "  $ /usr/bin/hg pull -r77538e1ce4bec5f7aac58a7ceca2da0e38e90a72"
                        + " --config=firefoxtree.replication=true -- ssh://hgssh/mozilla-central",
                "  > pulling from ssh://hgssh/mozilla-central",
                "  > abort: abandoned transaction found",
                "  > (run 'hg recover' to clean up transaction)",
                "  [255]"), result.transcript("/usr/bin/hg"));
        assertFalse(result.succeeded());
    }

    @Test
    void transcriptOfSilentSuccessHasCommandAndExitCodeOnly() {
        HgResult result = new HgResult(List.of("recover"), 0, "", "");
        assertEquals(List.of("  $ hg recover", "  [0]"), result.transcriptLines("hg"));
        assertTrue(result.succeeded());
    }

    @Test
    void splitsOutputLikePythonSplitlinesAndKeepsUnterminatedLastLine() {
        HgResult result = new HgResult(List.of("x"), 1, "", "", "a\r\nb\rc\n\nd");
        assertEquals(List.of("a", "b", "c", "", "d"), result.outputLines());
        assertEquals(List.of("  $ hg x", "  > a", "  > b", "  > c", "  > ", "  > d", "  [1]"),
                result.transcriptLines("hg"));
    }

    @Test
    void fourArgumentFormPutsStdoutBeforeStderrOnSeparateLines() {
        assertEquals("out\nerr\n", new HgResult(List.of(), 1, "out", "err\n").output());
        assertEquals("out\nerr\n", new HgResult(List.of(), 1, "out\n", "err\n").output());
        assertEquals("err\n", new HgResult(List.of(), 1, "", "err\n").output());
    }
}
