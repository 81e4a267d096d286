package org.vcsreplicator.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.message.NodeId;

/**
 * hgweb with {@code hgext/vcsreplicator_served.py} and {@code web.view = replicatedserved},
 * reading files written by {@link ReplicatedDataFile}: what test-served-heads.t checks over HTTP.
 * The pushlog part of that test ({@code json-pushes} and its {@code lastpushid}) needs Mozilla's
 * pushlog extension, which this project does not ship; it is not tested here.
 *
 * <p>The repository (shared by the tests, each test starts its own hgweb):
 * <pre>
 *   c3 (secret)
 *   |
 *   c1   c2
 *    \  /
 *     c0
 * </pre>
 */
class ServedHeadsHgwebIT {

    @TempDir
    static Path shared;
    static Path repo;
    static NodeId c0;
    static NodeId c1;
    static NodeId c2;
    static NodeId c3;
    private static Hg hg;

    @TempDir
    Path logs;

    @BeforeAll
    static void createRepository() throws Exception {
        hg = HgFactory.open(HgwebServer.HG);
        repo = shared.resolve("mozilla-central");
        ok(hg.run(null, "init", repo.toString()));
        c0 = commit("c0");
        c1 = commit("c1");
        ok(hg.run(repo, "update", "-q", "-r", c0.hex()));
        c2 = commit("c2");
        ok(hg.run(repo, "update", "-q", "-r", c1.hex()));
        c3 = commit("c3", "--secret");
    }

    @AfterAll
    static void closeHg() {
        hg.close();
    }

    @BeforeEach
    void removeHeadsFile() throws IOException {
        Files.deleteIfExists(ReplicatedDataFile.path(repo));
    }

    @Test
    void hidesWhatNotEveryMirrorHasUntilTheHeadsFileMoves() throws Exception {
        ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c1), 1));
        try (HgwebServer web = HgwebServer.start(repo, logs)) {
            assertShown(web, c0, c1);
            assertFiltered(web, c2, c3);

            // Each rewrite below lands within the same second as the previous one and, for the
            // single-head files, with the same size: hgweb only notices because the mtime moved on.
            ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c2), 2));
            assertShown(web, c0, c2);
            assertFiltered(web, c1, c3);

            ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c1, c2), 3));
            assertShown(web, c0, c1, c2);
            assertFiltered(web, c3);

            ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c0), 3));
            assertShown(web, c0);
            assertFiltered(web, c1, c2, c3);
        }
    }

    @Test
    void everyRapidRewriteIsSeenByTheNextRequest() throws Exception {
        ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c1), 1));
        try (HgwebServer web = HgwebServer.start(repo, logs)) {
            // hgweb reloads a cached repository only when (int(mtime), size) of a watched file
            // changes. These files all have the same size and are written a few milliseconds
            // apart, so most rewrites fall in the second of the previous one: without the
            // writer's whole-second mtime advance most of these requests would see stale heads.
            for (int i = 0; i < 6; i++) {
                ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c2), 2));
                assertShown(web, c2);
                ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c1), 3));
                assertFiltered(web, c2);
            }
        }
    }

    @Test
    void withoutAHeadsFileItServesWhatServedServes() throws Exception {
        try (HgwebServer web = HgwebServer.start(repo, logs)) {
            assertShown(web, c0, c1, c2);
            assertFiltered(web, c3);

            // The first file ever written is noticed too.
            ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(c2), 1));
            assertShown(web, c0, c2);
            assertFiltered(web, c1, c3);
        }
    }

    @Test
    void unknownNodesAndTheNullHeadShowNothingExtraAndACorruptFileShowsNothing() throws Exception {
        NodeId unknown = NodeId.of("1234567890".repeat(4));
        ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(unknown, c1), 1));
        try (HgwebServer web = HgwebServer.start(repo, logs)) {
            assertShown(web, c0, c1);
            assertFiltered(web, c2, c3);

            // What the master's hg-heads-1 says for an empty repository.
            ReplicatedDataFile.write(repo, ReplicatedData.of(List.of(NodeId.NULL), 0));
            assertFiltered(web, c0, c1, c2, c3);

            // Not something a writer produces (writes are atomic), but if it happens hgweb fails
            // closed: an error instead of unreplicated changesets.
            Files.write(ReplicatedDataFile.path(repo), new byte[] {'x', 'y', 'z'});
            Files.setLastModifiedTime(ReplicatedDataFile.path(repo),
                    FileTime.from(Instant.now().plusSeconds(60)));
            HttpResponse<String> response = web.get("json-rev/" + c0.hex());
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("malformed CBOR in " + ReplicatedDataFile.path(repo)), response.body());
        }
    }

    private static void assertShown(HgwebServer web, NodeId... nodes) throws Exception {
        for (NodeId node : nodes) {
            HttpResponse<String> response = web.get("json-rev/" + node.hex());
            assertEquals(200, response.statusCode(), () -> node + ": " + response.body() + errors(web));
            assertTrue(response.body().contains("\"node\": \"" + node.hex() + "\""), response.body());
        }
    }

    private static void assertFiltered(HgwebServer web, NodeId... nodes) throws Exception {
        for (NodeId node : nodes) {
            HttpResponse<String> response = web.get("json-rev/" + node.hex());
            assertEquals(404, response.statusCode(), () -> node + ": " + response.body() + errors(web));
            String expected = "\"error\": \"filtered revision '" + node.hex() + "' (not in 'replicatedserved' subset)\"";
            assertTrue(response.body().contains(expected), response.body());
        }
    }

    private static String errors(HgwebServer web) {
        try {
            return "\nhgweb errors:\n" + web.errors();
        } catch (IOException e) {
            return "\n(hgweb error log unreadable: " + e + ")";
        }
    }

    private static NodeId commit(String message, String... extra) throws Exception {
        Files.writeString(repo.resolve(message), message + "\n");
        List<String> args = new ArrayList<>(List.of("commit", "-q", "-A", "-m", message,
                "--config", "ui.username=test"));
        args.addAll(List.of(extra));
        ok(hg.run(repo, args));
        return NodeId.of(ok(hg.run(repo, "log", "-r", ".", "-T", "{node}")).stdout());
    }

    private static HgResult ok(HgResult result) {
        assertTrue(result.succeeded(), () -> result.transcript(HgwebServer.HG));
        return result;
    }
}
