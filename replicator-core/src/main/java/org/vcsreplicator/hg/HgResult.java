package org.vcsreplicator.hg;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The outcome of one Mercurial command: what was asked, how it ended and everything it printed.
 *
 * <p>{@code args} are the arguments as the caller gave them, without the {@code -R <repo>} an
 * {@link Hg} adds for a repository; this keeps {@link #transcript} identical to the original
 * vcsreplicator's log lines ({@code  $ hg pull -r… -- URL}), which ran through a client bound to
 * the repository. {@code output} is stdout and stderr interleaved in the order hg wrote them (the
 * original logs this combined stream); where the order is unknown it is stdout followed by stderr.
 *
 * <p>Immutable; all components are never null.
 *
 * @param args the hg arguments, without the executable and without {@code -R}
 * @param exitCode hg's exit code (0 success, 255 abort, 1 for "nothing to do" in some commands)
 * @param stdout everything hg wrote to its standard output
 * @param stderr everything hg wrote to its standard error
 * @param output stdout and stderr interleaved in the order written
 */
public record HgResult(List<String> args, int exitCode, String stdout, String stderr, String output) {

    // Characters Python's shlex.quote (pipes.quote) leaves unquoted: [\w@%+=:,./-], ASCII only.
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_@%+=:,./-]");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    public HgResult {
        args = List.copyOf(args);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(output, "output");
    }

    /**
     * A result whose interleaving is unknown: the combined output is stdout, then stderr (a newline
     * is inserted between them when stdout does not end with one). Handy for fakes and tests.
     */
    public HgResult(List<String> args, int exitCode, String stdout, String stderr) {
        this(args, exitCode, stdout, stderr, joinOutput(stdout, stderr));
    }

    /** True when hg exited 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * The log lines the original consumer writes for an hg run (ORIGINAL-BEHAVIOURS X7):
     * {@code "  $ <hg> <args>"} with every word quoted like Python's {@code shlex.quote}, one
     * {@code "  > <line>"} per line of the combined output, and {@code "  [<exit code>]"}.
     *
     * @param hgPath the executable as configured ({@code [programs] hg}), never null
     * @return the lines, without line terminators; never null
     */
    public List<String> transcriptLines(String hgPath) {
        List<String> lines = new ArrayList<>();
        StringBuilder command = new StringBuilder("  $ ").append(shellQuote(hgPath));
        for (String arg : args) {
            command.append(' ').append(shellQuote(arg));
        }
        lines.add(command.toString());
        for (String line : outputLines()) {
            lines.add("  > " + line);
        }
        lines.add("  [" + exitCode + "]");
        return List.copyOf(lines);
    }

    /**
     * {@link #transcriptLines} joined with {@code "\n"} (no trailing newline).
     *
     * @param hgPath the executable as configured, never null
     * @return never null
     */
    public String transcript(String hgPath) {
        return String.join("\n", transcriptLines(hgPath));
    }

    /**
     * The combined output split into lines the way Python's {@code bytes.splitlines} does
     * ({@code \n}, {@code \r\n}, {@code \r}); a last line without a terminator is included.
     *
     * @return never null; empty when hg printed nothing
     */
    public List<String> outputLines() {
        return splitLines(output);
    }

    static List<String> splitLines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(LINE_BREAK.split(text, -1)));
        // A terminated last line leaves an empty element behind; splitlines() does not report it.
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Quotes one word exactly like Python 3's {@code shlex.quote}. */
    static String shellQuote(String word) {
        if (word.isEmpty()) {
            return "''";
        }
        if (!UNSAFE.matcher(word).find()) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    private static String joinOutput(String stdout, String stderr) {
        if (stdout.isEmpty() || stderr.isEmpty() || stdout.endsWith("\n")) {
            return stdout + stderr;
        }
        return stdout + "\n" + stderr;
    }
}
