package org.vcsreplicator.hg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run Mercurial: which executable, extra environment, and whether to use command servers.
 *
 * <p>Immutable. Build with {@link #defaults(String)} and the {@code with…} methods.
 *
 * @param executable the hg executable ({@code [programs] hg}), a path or a name on PATH; not blank
 * @param environment variables added to the inherited environment of every hg process (they
 *     override the defaults {@code HGPLAIN=1}, {@code HGENCODING=utf-8}, {@code HGEDITOR=false});
 *     never null
 * @param plainProcesses true to start one process per command instead of using command servers
 * @param maxServers how many command servers may run at once (one per concurrently running
 *     command; they start lazily), at least 1
 */
public record HgOptions(
        String executable, Map<String, String> environment, boolean plainProcesses, int maxServers) {

    /** Command servers at most, unless configured: enough for a few parallel repository lanes. */
    public static final int DEFAULT_MAX_SERVERS = 4;

    /**
     * Why: HGPLAIN gives output that does not depend on the operator's hgrc; HGENCODING makes the
     * bytes we decode UTF-8; HGEDITOR=false turns "I need an editor" into a failure, not a hang.
     */
    static final Map<String, String> DEFAULT_ENVIRONMENT =
            Map.of("HGPLAIN", "1", "HGENCODING", "utf-8", "HGEDITOR", "false");

    /**
     * Every hg runs here, never in the JVM's working directory: that directory might lie inside a
     * repository, which a command server would then bind to for commands without {@code -R}.
     */
    static final Path WORKING_DIRECTORY = Path.of("/");

    public HgOptions {
        Objects.requireNonNull(executable, "executable");
        if (executable.isBlank()) {
            throw new IllegalArgumentException("hg executable is blank");
        }
        environment = Map.copyOf(environment);
        if (maxServers < 1) {
            throw new IllegalArgumentException("maxServers must be at least 1, got " + maxServers);
        }
    }

    /** Command servers (at most {@link #DEFAULT_MAX_SERVERS}), no extra environment. */
    public static HgOptions defaults(String executable) {
        return new HgOptions(executable, Map.of(), false, DEFAULT_MAX_SERVERS);
    }

    public HgOptions withEnvironment(Map<String, String> environment) {
        return new HgOptions(executable, environment, plainProcesses, maxServers);
    }

    public HgOptions withPlainProcesses(boolean plainProcesses) {
        return new HgOptions(executable, environment, plainProcesses, maxServers);
    }

    public HgOptions withMaxServers(int maxServers) {
        return new HgOptions(executable, environment, plainProcesses, maxServers);
    }

    /** The variables to set on top of the inherited environment, for one call. */
    Map<String, String> environmentFor(Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(DEFAULT_ENVIRONMENT);
        env.putAll(environment);
        env.putAll(extraEnv);
        return env;
    }

    /** The arguments hg receives: {@code -R repo} first when a repository is given. */
    static List<String> argumentsFor(Path repo, List<String> args) {
        if (repo == null) {
            return List.copyOf(args);
        }
        List<String> full = new ArrayList<>(args.size() + 2);
        full.add("-R");
        full.add(repo.toString());
        full.addAll(args);
        return full;
    }
}
