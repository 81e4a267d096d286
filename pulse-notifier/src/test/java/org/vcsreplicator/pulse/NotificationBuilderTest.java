package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV1;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * Every decision of {@link NotificationBuilder}, against a {@link FakeMaster}.
 *
 * @see PulseNotifierIT the same decisions through Kafka, hg and an AMQP broker
 */
class NotificationBuilderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String URL = "https://hg.mozilla.org/";
    static final String N77 = "77538e1ce4bec5f7aac58a7ceca2da0e38e90a72";
    static final String N4D = "4da703b7f59b720f524f709aa07eed3182ba1acd";
    static final String N7D = "7d683ce4e5618b7a0a7033b4d27f6c28b2c0f7c2";
    static final String N67 = "67b45555a21f4d9d470adc4f1ed3af63918f6414";

    final FakeMaster master = new FakeMaster();
    final NotificationBuilder builder = new NotificationBuilder(
            new UrlRewrites(List.of(new PrefixRewrite("{moz}/", URL))),
            new IgnorePaths(List.of("{moz}/private/")),
            URL,
            master);

    static WirePath moz(String name) {
        return WirePath.of("{moz}/" + name);
    }

    Decision decide(Event event) throws Exception {
        return builder.decide(Message.of(event));
    }

    String acknowledged(Event event) throws Exception {
        return assertInstanceOf(Decision.Acknowledge.class, decide(event)).reason();
    }

    Notification published(Event event) throws Exception {
        return assertInstanceOf(Decision.Publish.class, decide(event)).notification();
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    /** Round trip, so that long and int nodes of the same value compare equal. */
    static JsonNode normal(JsonNode node) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(node));
    }

    @Test
    void acknowledgesHeartbeat() throws Exception {
        assertEquals("heartbeat-1 message not relevant; ignoring", acknowledged(new Heartbeat()));
    }

    @Test
    void acknowledgesRepoWithoutPublicUrl() throws Exception {
        assertEquals("no public URL could be resolved for {other}/foo; not sending notification",
                acknowledged(new RepoInitV2(WirePath.of("{other}/foo"), true)));
    }

    @Test
    void acknowledgesEveryKindUnderAnIgnorePath() throws Exception {
        master.add("private/ignore");
        String line = "ignoring repo because path in ignore list: {moz}/private/ignore";
        assertEquals(line, acknowledged(new RepoInitV2(moz("private/ignore"), true)));
        assertEquals(line, acknowledged(new ChangegroupV2(moz("private/ignore"), "serve", 1, NodeId.listOf(N77))));
        assertEquals(line, acknowledged(new Heads(moz("private/ignore"), NodeId.listOf(N77), OptionalLong.of(1))));
    }

    @Test
    void acknowledgesEventOfRepoDeletedOnTheMaster() throws Exception {
        // The seed's incident: the notifier crashed on a deleted repository and held up everything.
        String line = "repository /repo/hg/mozilla/users/gszorc_mozilla.com/mc-treemanifest does not exist; "
                + "ignoring notification";
        WirePath gone = moz("users/gszorc_mozilla.com/mc-treemanifest");
        assertEquals(line, acknowledged(new ChangegroupV1(gone, "serve", NodeId.listOf(N77), NodeId.listOf(N77))));
        assertEquals(line, acknowledged(new Heads(gone, NodeId.listOf(N77), OptionalLong.empty())));
        assertEquals(line, acknowledged(new Pushkey(gone, "obsolete", "dump0", "", ObsMarkersVectors.REWRITE, 0)));
    }

    @Test
    void acknowledgesRepoDeletedWhileTheNotificationIsBuilt() throws Exception {
        master.add("racy").push(new Push(1, "u", 10), N77).vanishOnQuery = true;
        assertEquals("repository /repo/hg/mozilla/racy does not exist; ignoring notification",
                acknowledged(new ChangegroupV2(moz("racy"), "serve", 1, NodeId.listOf(N77))));
    }

    @Test
    void refusesWhenTheRootIsMissingInsteadOfSkipping() {
        master.rootMissing = true;
        NotifierMisconfiguredException e = assertThrows(NotifierMisconfiguredException.class,
                () -> decide(new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(N77))));
        assertTrue(e.getMessage().contains("/repo/hg/mozilla"), e.getMessage());
    }

    @Test
    void refusesUnmappedPathAndRejectsEscapingPath() {
        NotificationBuilder open = new NotificationBuilder(
                new UrlRewrites(List.of(new PrefixRewrite("", URL))), IgnorePaths.none(), URL, master);
        assertThrows(NotifierMisconfiguredException.class,
                () -> open.decide(Message.of(new RepoInitV1(WirePath.of("{elsewhere}/x")))));
        assertThrows(BadEventException.class,
                () -> open.decide(Message.of(new RepoInitV1(moz("../../etc")))));
    }

    @Test
    void transientMasterFailurePropagates() {
        master.add("mozilla-central").push(new Push(1, "u", 10), N77);
        master.queryFailures = 1;
        assertThrows(MasterQueryException.class,
                () -> decide(new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(N77))));
    }

    @Test
    void initBecomesNewrepo() throws Exception {
        master.add("mozilla-central");
        for (Event init : List.of(new RepoInitV1(moz("mozilla-central")), new RepoInitV2(moz("mozilla-central"), true))) {
            Notification n = published(init);
            assertEquals(NotificationType.NEWREPO, n.type());
            assertEquals("mozilla-central", n.routingKey());
            assertEquals(json("{'type': 'newrepo.1', 'data': {'repo_url': 'https://hg.mozilla.org/mozilla-central'}}"),
                    normal(n.v2Payload()));
            assertEquals(Optional.empty(), n.v1Payload());
        }
    }

    @Test
    void changegroupBecomesChangegroupWithPushlogPushes() throws Exception {
        master.add("mozilla-central").push(new Push(1, "user@example.com", 1700000000L), N77);
        Notification n = published(new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(N77)));
        String push = "{'pushid': 1, 'user': 'user@example.com', 'time': 1700000000,"
                + " 'push_json_url': 'https://hg.mozilla.org/mozilla-central/json-pushes?version=2&startID=0&endID=1',"
                + " 'push_full_json_url': 'https://hg.mozilla.org/mozilla-central/json-pushes?version=2&full=1&startID=0&endID=1'}";
        assertEquals(json("{'type': 'changegroup.1', 'data': {'repo_url': 'https://hg.mozilla.org/mozilla-central',"
                + " 'heads': ['" + N77 + "'], 'source': 'serve', 'pushlog_pushes': [" + push + "]}}"),
                normal(n.v2Payload()));
        assertEquals(json("{'repo_url': 'https://hg.mozilla.org/mozilla-central', 'heads': ['" + N77 + "'],"
                + " 'pushlog_pushes': [" + push + "]}"), normal(n.v1Payload().orElseThrow()));
        assertEquals("mozilla-central", n.routingKey());
    }

    @Test
    void changegroupPushesAreUniqueSortedAndMissingOnesLeftOut() throws Exception {
        master.add("multi").push(new Push(3, "b", 30), N4D).push(new Push(2, "a", 20), N77, N7D);
        Notification n = published(new ChangegroupV1(moz("multi"), "push", NodeId.listOf(N4D, N77),
                NodeId.listOf(N4D, N77, N7D, N67)));
        JsonNode pushes = n.data().get("pushlog_pushes");
        assertEquals(2, pushes.size());
        assertEquals(2, pushes.get(0).get("pushid").asInt());
        assertEquals(3, pushes.get(1).get("pushid").asInt());
        assertEquals("push", n.data().get("source").asText());
    }

    @Test
    void changegroupWithoutPushlogHasNoPushes() throws Exception {
        master.add("plain");
        Notification n = published(new ChangegroupV2(moz("plain"), "serve", 1, NodeId.listOf(N77)));
        assertEquals(json("[]"), n.data().get("pushlog_pushes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hgrc", "heads", "sync", "delete"})
    void otherKindsAreNotRelevant(String kind) throws Exception {
        master.add("mozilla-central");
        WirePath p = moz("mozilla-central");
        Event e = switch (kind) {
            case "hgrc" -> new HgrcUpdate(p, Optional.of("[hooks]\n"));
            case "heads" -> new Heads(p, NodeId.listOf(N77), OptionalLong.of(1));
            case "sync" -> new RepoSyncV2(p, List.of("store"), Optional.empty(), NodeId.listOf(N77), false);
            default -> new RepoDelete(p);
        };
        assertEquals(e.kind().wireName() + " message not relevant to push notifier; ignoring", acknowledged(e));
    }

    @Test
    void otherPushkeyNamespacesAreNotHandled() throws Exception {
        master.add("mozilla-central");
        assertEquals("bookmarks pushkey namespace not handled; ignoring",
                acknowledged(new Pushkey(moz("mozilla-central"), "bookmarks", "my-bookmark", "", N77, 0)));
        assertEquals("phases pushkey namespace not handled; ignoring",
                acknowledged(new Pushkey(moz("mozilla-central"), "phases", N77, "1", "0", 0)));
    }

    @Test
    void obsoletePushkeyBecomesObsoleteWithNodeInfo() throws Exception {
        master.add("obs")
                .push(new Push(2, "user@example.com", 20), N4D)
                .push(new Push(3, "user@example.com", 30), N7D)
                .changeset(N4D, "file1", false)
                .changeset(N7D, "first line\nsecond line", true);
        Notification n = published(new Pushkey(moz("obs"), "obsolete", "dump0", "", ObsMarkersVectors.REWRITE, 0));
        assertEquals(NotificationType.OBSOLETE, n.type());
        assertEquals(Optional.empty(), n.v1Payload(), "obsolete.1 never goes to the v1 exchange");
        String base = "https://hg.mozilla.org/obs/json-pushes?version=2&";
        assertEquals(json("{'repo_url': 'https://hg.mozilla.org/obs', 'markers': [{"
                + "'precursor': {'node': '" + N4D + "', 'known': true, 'visible': false, 'desc': 'file1',"
                + "  'push': {'pushid': 2, 'user': 'user@example.com', 'time': 20,"
                + "    'push_json_url': '" + base + "startID=1&endID=2',"
                + "    'push_full_json_url': '" + base + "full=1&startID=1&endID=2'}},"
                + "'successors': [{'node': '" + N7D + "', 'known': true, 'visible': true,"
                + "  'desc': 'first line\\nsecond line',"
                + "  'push': {'pushid': 3, 'user': 'user@example.com', 'time': 30,"
                + "    'push_json_url': '" + base + "startID=2&endID=3',"
                + "    'push_full_json_url': '" + base + "full=1&startID=2&endID=3'}}],"
                + "'user': 'Test User <someone@example.com>', 'time': 1471989146.608092}]}"),
                normal(n.data()));
    }

    @Test
    void obsoleteMarkersAboutUnknownNodesAndPrunes() throws Exception {
        master.add("obs").changeset(N67, "pruned", null);
        Notification prune = published(new Pushkey(moz("obs"), "obsolete", "dump0", "", ObsMarkersVectors.PRUNE, 0));
        assertEquals(json("{'node': '" + N67 + "', 'known': true, 'visible': null, 'desc': 'pruned', 'push': null}"),
                normal(prune.data().get("markers").get(0).get("precursor")));
        assertEquals(json("[]"), prune.data().get("markers").get(0).get("successors"));
        assertEquals("root@b357bc6c9c91", prune.data().get("markers").get(0).get("user").asText());

        Notification two = published(new Pushkey(moz("obs"), "obsolete", "dump0", "", ObsMarkersVectors.TWO, 0));
        JsonNode markers = two.data().get("markers");
        assertEquals(2, markers.size());
        assertEquals(json("{'node': '63d556ea5b9faf08c8c41864c1fcaf3d57f986c8', 'known': false, 'visible': null,"
                + " 'desc': null, 'push': null}"), normal(markers.get(0).get("precursor")));
        assertEquals("87d2d20529e71d92b847f1bad94c8ebb00203230", markers.get(1).get("precursor").get("node").asText());
    }

    @Test
    void undecodableObsoleteMarkersAreABadEvent() {
        master.add("obs");
        assertThrows(BadEventException.class,
                () -> decide(new Pushkey(moz("obs"), "obsolete", "dump0", "", "not base85 \"at all\"", 0)));
    }

    @Test
    void routingKeyKeepsSlashesDashesUnderscoresAndCase() throws Exception {
        assertEquals("integration/foo_Bar-baz",
                NotificationBuilder.routingKey("https://hg.mozilla.org/integration/foo_Bar-baz", URL));
        assertEquals("mozilla-central", NotificationBuilder.routingKey("https://hg.mozilla.org/mozilla-central", URL));
        assertEquals("https://x/y", NotificationBuilder.routingKey("https://x/y", ""));
        NotifierMisconfiguredException e = assertThrows(NotifierMisconfiguredException.class,
                () -> NotificationBuilder.routingKey("https://elsewhere.example/foo", URL));
        assertTrue(e.getMessage().contains("routing_key_strip_prefix"), e.getMessage());

        master.add("integration/foo_Bar-baz");
        assertEquals("integration/foo_Bar-baz", published(new RepoInitV2(moz("integration/foo_Bar-baz"), true)).routingKey());
    }
}
