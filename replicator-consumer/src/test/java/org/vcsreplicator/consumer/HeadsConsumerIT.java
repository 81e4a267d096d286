package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataCodec;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.ReplicationRules;

/**
 * The heads consumer through its real parts: a Kafka broker in this JVM, a single-partition
 * pending topic as the aggregator fills it, real mirror repositories made by hg. It runs the way
 * the daemon runs ({@link ConsumeSession#openHeads}) and the tests check {@code
 * .hg/replicated-data} on disk and the group's committed offsets (ORIGINAL-BEHAVIOURS
 * test-served-heads.t).
 *
 * @see HeadsApplierTest for the handler's cases on a bare filesystem
 */
class HeadsConsumerIT {
  private static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  /** The original test's changesets (test-served-heads.t). */
  private static final NodeId INITIAL = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");
  private static final NodeId H1 = NodeId.of("4c9443886fe84db9a4a5f29a5777517d2890d308");
  private static final NodeId H2 = NodeId.of("4b11352745a6b3eb429ca8cd486dfdc221a4bc62");

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static Hg hg;

  @TempDir Path tmp;
  private MirrorHarness h;
  private LogCapture logs;

  @BeforeAll
  static void openHg() throws Exception {
    hg = HgFactory.open(MirrorHarness.HG);
  }

  @AfterAll
  static void closeHg() {
    hg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    h = new MirrorHarness(kafka, hg, tmp.toRealPath(), "replicatedpushdatapending", 1);
    logs = new LogCapture();
  }

  @AfterEach
  void tearDown() {
    logs.close();
    h.close();
  }

  /** A real (empty) repository on the mirror, as the mirror consumer's init left it. */
  private Path mirrorRepo(String name) throws Exception {
    Path repo = h.mirror(name);
    Files.createDirectories(repo.getParent());
    h.hgOk(null, "init", repo.toString());
    return repo;
  }

  /** Runs a heads consumer until the group committed {@code offset} on the only partition, then stops it. */
  private void drain(ConsumerSettings settings, long offset) throws Exception {
    try (MirrorHarness.Running running = h.startHeads(settings)) {
      running.awaitCommitted(0, offset);
      assertEquals(MirrorConsumer.Result.STOPPED, running.stop());
    }
  }

  private void drain(long offset) throws Exception {
    drain(h.settings().build(), offset);
  }

  private static List<Path> filesBelow(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void writesTheHeadsOfEveryPushAndAcknowledgesEveryOtherEvent() throws Exception {
    Path repo = mirrorRepo("mozilla-central");
    String historyBefore = h.history(repo);
    // The pending topic after a repository creation and one push (test-served-heads.t).
    h.send(0, new Heartbeat());
    h.send(0, new RepoInitV2(MC, true));
    h.send(0, new Heartbeat());
    h.send(0, new Heartbeat());
    h.send(0, new ChangegroupV2(MC, "serve", 1, List.of(INITIAL)));
    h.send(0, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));
    drain(6);

    Path file = ReplicatedDataFile.path(repo);
    assertEquals(ReplicatedData.of(List.of(INITIAL), 1), ReplicatedDataCodec.decode(Files.readAllBytes(file)));
    // The original's bytes, as test-served-heads.t prints them.
    assertArrayEquals(HexFormat.of().parseHex("a2" + "45" + "6865616473" + "81" + "54" + INITIAL.hex()
        + "4c" + "6c6173745f707573685f6964" + "01"), Files.readAllBytes(file));
    assertEquals(historyBefore, h.history(repo), "the changegroup is the mirror consumer's business");
    assertEquals(List.of(file), filesBelow(repo.resolve(".hg")).stream().filter(p -> p.getFileName().toString()
        .startsWith("replicated-data")).toList(), "no temporary file left");

    List<String> lines = logs.lines();
    assertEquals(List.of(
        "starting consumer for topic=" + h.topic + " group=" + h.group + " partitions=all",
        "processing heartbeat-1 from partition 0 offset 0",
        "processing hg-repo-init-2: (repo: {moz}/mozilla-central) from partition 0 offset 1",
        "processing heartbeat-1 from partition 0 offset 2",
        "processing heartbeat-1 from partition 0 offset 3",
        "processing hg-changegroup-2: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be']) from partition 0 offset 4",
        "processing hg-heads-1: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be'], last_push_id: 1) "
            + "from partition 0 offset 5",
        "updating replicated data for " + repo,
        repo + "/.hg/replicated-data wrote with 1 heads successfully; last push id: 1",
        "exiting from main consume loop"), lines);

    // A multi-head push, then a third push at once: both rewrites move the mtime forward by
    // whole seconds, so hgweb's (mtime, size) cache check sees each one.
    FileTime first = Files.getLastModifiedTime(file);
    h.send(0, new Heads(MC, List.of(H2, H1), OptionalLong.of(2)));
    drain(7);
    FileTime second = Files.getLastModifiedTime(file);
    assertEquals(ReplicatedData.of(List.of(H2, H1), 2), ReplicatedDataFile.read(repo).orElseThrow());
    h.send(0, new Heads(MC, List.of(H1, INITIAL), OptionalLong.of(3)));
    drain(8);
    FileTime third = Files.getLastModifiedTime(file);
    assertEquals(ReplicatedData.of(List.of(H1, INITIAL), 3), ReplicatedDataFile.read(repo).orElseThrow());
    assertTrue(second.to(TimeUnit.SECONDS) > first.to(TimeUnit.SECONDS), first + " then " + second);
    assertTrue(third.to(TimeUnit.SECONDS) > second.to(TimeUnit.SECONDS), second + " then " + third);
  }

  @Test
  void everyOtherKindIsANoOpWithItsOffsetCommitted() throws Exception {
    Path repo = mirrorRepo("mozilla-central");
    Files.writeString(repo.resolve(".hg/hgrc"), "[paths]\ndefault = /master\n");
    h.send(0, new HgrcUpdate(MC, Optional.empty()));
    h.send(0, new Pushkey(MC, "bookmarks", "main", "", INITIAL.hex(), 0));
    h.send(0, new RepoInitV2(WirePath.of("{moz}/new"), true));
    h.send(0, new RepoDelete(MC));
    drain(4);

    assertEquals(4, h.committed(0));
    assertTrue(Files.isDirectory(repo.resolve(".hg")), "not deleted");
    assertEquals("[paths]\ndefault = /master\n", Files.readString(repo.resolve(".hg/hgrc")), "hgrc untouched");
    assertEquals("", h.bookmarks(repo));
    assertFalse(Files.exists(h.mirror("new")), "not created");
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)));
  }

  @Test
  void filteredRepositoryIsAcknowledgedWithoutWriting() throws Exception {
    Path users = mirrorRepo("users/foo");
    Path repo = mirrorRepo("mozilla-central");
    h.send(0, new Heads(WirePath.of("{moz}/users/foo"), List.of(INITIAL), OptionalLong.of(1)));
    h.send(0, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));
    drain(h.settings().replicationRules(new ReplicationRules(List.of(
        ReplicationRules.Rule.parse("exclude.users", "re:\\{moz\\}/users/.*"),
        ReplicationRules.Rule.parse("include.all", "re:\\{moz\\}/.*")))).build(), 2);

    assertFalse(Files.exists(ReplicatedDataFile.path(users)));
    assertTrue(Files.exists(ReplicatedDataFile.path(repo)), "the next repository is served");
    assertTrue(logs.lines().contains("repo {moz}/users/foo filtered by rule users"), logs.lines().toString());
  }

  /**
   * The seed incident's shape on the served-heads side: the pending topic has one partition, so a
   * repository deleted after every mirror applied its push must not freeze the served heads of
   * every other repository.
   */
  @Test
  void repositoryDeletedOnThisMirrorDoesNotHoldUpTheOthers() throws Exception {
    Path repo = mirrorRepo("mozilla-central");
    h.send(0, new Heads(WirePath.of("{moz}/deleterepo"), List.of(INITIAL), OptionalLong.of(4)));
    h.send(0, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));
    drain(2);

    assertEquals(ReplicatedData.of(List.of(INITIAL), 1), ReplicatedDataFile.read(repo).orElseThrow());
    assertFalse(Files.exists(h.mirror("deleterepo")), "nothing created for the deleted repository");
    assertTrue(logs.lines().contains("repository " + h.mirror("deleterepo") + " does not exist on this mirror "
        + "(deleted, filtered or skipped since); not writing replicated data for hg-heads-1"), logs.lines().toString());
    assertEquals(List.of(), logs.errors());
  }

  @Test
  void pathEscapingTheRootStopsThePartitionAndWritesNothing() throws Exception {
    Path outside = h.base.resolve("outside");
    h.hgOk(null, "init", outside.toString());
    Path repo = mirrorRepo("mozilla-central");
    h.send(0, new Heads(WirePath.of("{moz}/../outside"), List.of(INITIAL), OptionalLong.of(1)));
    h.send(0, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));

    assertEquals(MirrorConsumer.Result.FAILED, h.startHeads(h.settings().build()).join());

    assertEquals(-1, h.committed(0), "SPEC rule 2: nothing committed past the refused event");
    assertFalse(Files.exists(ReplicatedDataFile.path(outside)), "SPEC rule 6: nothing written outside the root");
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)), "the partition stops at the refused event");
    assertEquals(1, logs.errors().size() - 1, logs.errors().toString()); // plus "exiting main consume loop with error"
    String error = logs.errors().get(0);
    assertTrue(error.contains("topic=" + h.topic + " partition=0 offset=0 repo={moz}/../outside event=hg-heads-1"), error);
    assertTrue(error.contains("'..'"), error);
    assertTrue(error.contains("`bin/vcsreplicator heads-consume pending.ini --dump --partition 0`"), error);
    assertTrue(error.contains("`bin/vcsreplicator heads-consume pending.ini --skip --partition 0 --offset 0`"), error);
  }

  @Test
  void headsThatAreNot40HexCharactersArePermanent() throws Exception {
    Path repo = mirrorRepo("mozilla-central");
    String json = "{\"_created\": 1.0, \"heads\": [\"77538e1ce4be\"], \"last_push_id\": 1, "
        + "\"name\": \"hg-heads-1\", \"path\": \"{moz}/mozilla-central\"}";
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(h.topic, 0, MC.value().getBytes(StandardCharsets.UTF_8),
          ("1\n" + json).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }

    assertEquals(MirrorConsumer.Result.FAILED, h.startHeads(h.settings().build()).join());

    assertEquals(-1, h.committed(0));
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)));
    String error = logs.errors().get(0);
    assertTrue(error.contains("offset=0 repo={moz}/mozilla-central event=hg-heads-1: undecodable record"), error);
  }

  @Test
  void restartedConsumerWritesTheSameFileAgainHarmlessly() throws Exception {
    Path repo = mirrorRepo("mozilla-central");
    h.send(0, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));
    drain(1);
    byte[] once = Files.readAllBytes(ReplicatedDataFile.path(repo));

    // Redelivery after a crash between write and commit (SPEC rule 3), replayed with --start-from 0.
    ConsumerSettings settings = h.settings().build();
    try (ConsumeSession session = ConsumeSession.openHeads(settings, "pending.ini")) {
      assertEquals(MirrorConsumer.Result.PROCESSED_ONE, session.consume(
          new MirrorConsumer.Options(Optional.empty(), OptionalLong.of(0), true, settings.pollTimeout())));
    }
    assertArrayEquals(once, Files.readAllBytes(ReplicatedDataFile.path(repo)));
    assertEquals(1, h.committed(0));
  }
}
