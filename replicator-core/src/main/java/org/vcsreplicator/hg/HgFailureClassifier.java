package org.vcsreplicator.hg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a failed {@link HgResult} to an {@link HgFailure}: the one place that reads hg's error
 * text. Pure; thread-safe.
 *
 * <p>The strings matched are Mercurial 6.3's own messages (captured from the installed hg, see
 * the table test); if a newer hg rewords one, the failure falls back to {@link HgFailureKind#OTHER},
 * which is permanent: nothing is lost, an operator is asked to look.
 *
 * <p>Lines starting with {@code remote: } were written by the hg at the other end of an ssh
 * connection; a repository or format problem there is not one of the local repository.
 * Checks run in a fixed order, the first match wins:
 * <ol>
 *   <li>abandoned transaction (local) — recover, then retry;
 *   <li>unsupported requirement (local) — never retried;
 *   <li>lock held (hg timed out waiting for it);
 *   <li>repository not found: local, or the source of a pull/clone;
 *   <li>remote repository not found (ssh remote abort, HTTP 404, "not an hg repository");
 *   <li>unknown revision;
 *   <li>any other {@code remote: abort:}: the remote answered, so it is reachable: other;
 *   <li>remote unreachable (connection, DNS, ssh, HTTP 5xx, broken stream);
 *   <li>other.
 * </ol>
 */
public final class HgFailureClassifier {

    private static final String REMOTE_PREFIX = "remote: ";

    private static final Pattern UNKNOWN_FEATURES = Pattern.compile(
            "^abort: repository requires features unknown to this Mercurial: (.+?)!?$");
    private static final Pattern NO_FAST_IMPLEMENTATION = Pattern.compile(
            "^abort: accessing `([^`]+)` repository without associated fast implementation");
    private static final Pattern REPO_NOT_FOUND = Pattern.compile("^abort: repository (.+) not found$");
    private static final Pattern NO_REPO_HERE = Pattern.compile("^abort: no repository found in '.*'");
    private static final Pattern UNKNOWN_REVISION = Pattern.compile(
            "^(?:remote: )?abort: (?:unknown|filtered|hidden) revision '");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** Commands whose "repository X not found" is about their source, not the local repo. */
    private static final Set<String> REMOTE_COMMANDS = Set.of("pull", "clone", "incoming", "outgoing", "push");

    private static final List<String> UNREACHABLE_PREFIXES = List.of(
            "abort: no suitable response from remote hg",
            "abort: error: ",
            "abort: HTTP Error 5",
            "abort: HTTP request error",
            "abort: stream ended unexpectedly",
            "abort: connection ended unexpectedly",
            "abort: unexpected response from remote server",
            "remote: ssh: ");

    private static final List<String> UNREACHABLE_WORDS = List.of(
            "Connection refused",
            "Connection reset by peer",
            "Connection timed out",
            "Network is unreachable",
            "No route to host",
            "Temporary failure in name resolution",
            "Name or service not known");

    private HgFailureClassifier() {}

    /**
     * Classifies a failed command.
     *
     * @param result a result with a non-zero exit code, never null
     * @return never null
     * @throws IllegalArgumentException when the command succeeded: there is nothing to classify
     */
    public static HgFailure classify(HgResult result) {
        if (result.succeeded()) {
            throw new IllegalArgumentException("hg " + result.args() + " succeeded; nothing to classify");
        }
        List<String> lines = new ArrayList<>();
        for (String line : HgResult.splitLines(result.stderr())) {
            lines.add(line.stripTrailing());
        }
        for (String line : HgResult.splitLines(result.stdout())) {
            lines.add(line.stripTrailing());
        }

        Optional<String> abandoned = first(lines, l -> !isRemote(l)
                && (l.startsWith("abort: abandoned transaction found")
                        || l.contains("run 'hg recover' to clean up transaction")));
        if (abandoned.isPresent()) {
            return failure(HgFailureKind.ABANDONED_TRANSACTION, abandoned.get());
        }

        List<String> requirements = unsupportedRequirements(lines);
        if (!requirements.isEmpty()) {
            String line = first(lines, l -> UNKNOWN_FEATURES.matcher(l).find()
                    || NO_FAST_IMPLEMENTATION.matcher(l).find()).orElse("");
            return new HgFailure(HgFailureKind.UNSUPPORTED_REQUIREMENT, requirements, line);
        }

        Optional<String> lock = first(lines, l -> l.contains("timed out waiting for lock held by"));
        if (lock.isPresent()) {
            return failure(HgFailureKind.LOCK_HELD, lock.get());
        }

        for (String line : lines) {
            Matcher notFound = REPO_NOT_FOUND.matcher(line);
            if (notFound.find()) {
                boolean isSource = result.args().contains(notFound.group(1))
                        && result.args().stream().anyMatch(REMOTE_COMMANDS::contains);
                return failure(isSource ? HgFailureKind.REMOTE_REPO_NOT_FOUND : HgFailureKind.REPO_NOT_FOUND, line);
            }
            if (NO_REPO_HERE.matcher(line).find()) {
                return failure(HgFailureKind.REPO_NOT_FOUND, line);
            }
        }

        Optional<String> remoteMissing = first(lines, l ->
                (l.startsWith("remote: abort: repository ") && l.endsWith(" not found"))
                        || l.startsWith("abort: HTTP Error 404")
                        || (l.startsWith("abort: ") && l.contains("does not appear to be an hg repository")));
        if (remoteMissing.isPresent()) {
            return failure(HgFailureKind.REMOTE_REPO_NOT_FOUND, remoteMissing.get());
        }

        Optional<String> revision = first(lines, l -> UNKNOWN_REVISION.matcher(l).find());
        if (revision.isPresent()) {
            return failure(HgFailureKind.UNKNOWN_REVISION, revision.get());
        }

        Optional<String> remoteAbort = first(lines, l -> l.startsWith("remote: abort: "));
        if (remoteAbort.isPresent()) {
            return failure(HgFailureKind.OTHER, remoteAbort.get());
        }

        Optional<String> unreachable = first(lines, l ->
                UNREACHABLE_PREFIXES.stream().anyMatch(l::startsWith)
                        || (l.startsWith("abort: ") && UNREACHABLE_WORDS.stream().anyMatch(l::contains)));
        if (unreachable.isPresent()) {
            // Report the abort line rather than ssh's chatter when there is one.
            String message = first(lines, l -> l.startsWith("abort: ")).orElse(unreachable.get());
            return failure(HgFailureKind.REMOTE_UNREACHABLE, message);
        }

        String message = first(lines, l -> l.startsWith("abort: "))
                .orElseGet(() -> lastNonEmpty(lines));
        return failure(HgFailureKind.OTHER, message);
    }

    /**
     * The requirement names hg refused in this output: from {@code abort: repository requires
     * features unknown to this Mercurial: a b} and from {@code abort: accessing `x` repository
     * without associated fast implementation}. Remote lines are ignored.
     *
     * @param result any result, never null
     * @return the names in the order hg printed them, without duplicates; never null
     */
    public static List<String> unsupportedRequirements(HgResult result) {
        List<String> lines = new ArrayList<>(HgResult.splitLines(result.stderr()));
        lines.addAll(HgResult.splitLines(result.stdout()));
        return unsupportedRequirements(lines);
    }

    private static List<String> unsupportedRequirements(List<String> lines) {
        Set<String> names = new LinkedHashSet<>();
        for (String raw : lines) {
            String line = raw.stripTrailing();
            Matcher unknown = UNKNOWN_FEATURES.matcher(line);
            if (unknown.find()) {
                names.addAll(List.of(WHITESPACE.split(unknown.group(1).trim())));
            }
            Matcher slow = NO_FAST_IMPLEMENTATION.matcher(line);
            if (slow.find()) {
                names.add(slow.group(1));
            }
        }
        return List.copyOf(names);
    }

    private static HgFailure failure(HgFailureKind kind, String message) {
        return new HgFailure(kind, List.of(), message);
    }

    private static boolean isRemote(String line) {
        return line.startsWith(REMOTE_PREFIX);
    }

    private static Optional<String> first(List<String> lines, Predicate<String> test) {
        return lines.stream().filter(test).findFirst();
    }

    private static String lastNonEmpty(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i);
            }
        }
        return "";
    }
}
