package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;

/**
 * Skips are recorded, not lost (SPEC rule 2, §7), through {@code bin/vcsreplicator} in process
 * with an INI file, a real broker and the real hg: {@code consume --skip} records the full event
 * before the offset moves, {@code --offset} refuses the wrong event, {@code skipped list} shows
 * the records, {@code skipped replay} puts a skipped changegroup and hgrc back so the mirror equals
 * the master again.
 *
 * @see org.vcsreplicator.kafka.SkipRecorderIT for a crash between the record and the commit
 */
class SkippedCommandIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final String HG = "/usr/bin/hg";
  private static final WirePath REPO = WirePath.of("{moz}/mozilla-central");
  private static final String HGRC = "[hooks]\nchangegroup.notify = true\n";

  @TempDir Path tmp;
  private String topic;
  private Path masterRoot;
  private Path mirrorRoot;

  @BeforeEach
  void world() throws IOException {
    topic = kafka.createUniqueTopic("pushdata", 4);
    masterRoot = Files.createDirectories(tmp.resolve("master"));
    mirrorRoot = Files.createDirectories(tmp.resolve("mirror"));
  }

  /** The mirror's config; {@code pullRoot} is where it pulls from (the master, or a wrong place). */
  private String ini(Path pullRoot, String extra) throws IOException {
    return Files.writeString(tmp.resolve("vcsreplicator.ini"), String.join("\n",
        "[consumer]",
        "hosts = " + kafka.bootstrapServers(),
        "client_id = hgweb1",
        "topic = " + topic,
        "group = ttest",
        "poll_timeout = 0.05",
        "todelete_path = " + tmp.resolve("todelete"),
        "retry_max_retries = 0",
        extra,
        "",
        "[path_rewrites]",
        "{moz} = " + mirrorRoot,
        "",
        "[pull_url_rewrites]",
        "{moz} = " + pullRoot,
        "",
        "[programs]",
        "hg = " + HG,
        "")).toString();
  }

  private String ini() throws IOException {
    return ini(masterRoot, "");
  }

  private static String hg(Path repo, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(HG, "--config=ui.username=test"));
    if (repo != null) {
      cmd.addAll(List.of("-R", repo.toString()));
    }
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + " failed: " + output);
    return output;
  }

  /** {@code rev:node} of every changeset: master and mirror are equal when these are. */
  private static String history(Path repo) throws Exception {
    return hg(repo, "log", "--hidden", "-T", "{rev}:{node}\n");
  }

  private void send(Object... events) throws Exception {
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      for (Object e : events) {
        producer.send(topic, 2, (org.vcsreplicator.message.Event) e);
      }
    }
  }

  private long committed() throws Exception {
    OffsetAndMetadata o = kafka.admin().listConsumerGroupOffsets("ttest").partitionsToOffsetAndMetadata()
        .get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 2));
    return o == null ? -1 : o.offset();
  }

  private boolean auditTopicExists() throws Exception {
    return kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic + "-skipped");
  }

  private static JsonNode json(String text) throws IOException {
    return new ObjectMapper().readTree(text);
  }

  /** A master repository with two changesets, its events (init, changegroup, hgrc, heartbeat) on partition 2. */
  private Path masterWithEvents() throws Exception {
    Path master = masterRoot.resolve("mozilla-central");
    hg(null, "init", master.toString());
    for (String m : List.of("one", "two")) {
      Files.writeString(master.resolve("file"), m + "\n");
      hg(master, "commit", "-A", "-m", m);
    }
    NodeId tip = NodeId.of(hg(master, "log", "-r", "tip", "-T", "{node}"));
    send(new RepoInitV2(REPO, true), new ChangegroupV2(REPO, "serve", 2, List.of(tip)),
        new HgrcUpdate(REPO, Optional.of(HGRC)), new Heartbeat());
    return master;
  }

  // ---------------------------------------------------------------------- the whole story

  /**
   * The mirror cannot pull (its pull URL is wrong), the operator skips the changegroup with a
   * reason, later also the hgrc update; after fixing the config, {@code skipped replay} of both
   * makes the mirror equal to the master.
   */
  @Test
  void skippedEventsAreRecordedListedAndReplayedUntilTheMirrorEqualsTheMaster() throws Exception {
    Path master = masterWithEvents();
    String broken = ini(tmp.resolve("nowhere"), "");
    Path mirror = mirrorRoot.resolve("mozilla-central");

    assertEquals(0, CommandRun.run("consume", broken, "--onetime").exitCode(), "the init");
    assertEquals(1, CommandRun.run("consume", broken, "--partition", "2").exitCode(), "the pull fails");
    assertEquals(1, committed());

    CommandRun skip = CommandRun.run("consume", broken, "--skip", "--partition", "2", "--offset", "1",
        "--reason", "pull URL wrong on hgweb1, INC-42");
    assertEquals(0, skip.exitCode(), skip.toString());
    assertTrue(skip.out().startsWith("skipped hg-changegroup-2 for {moz}/mozilla-central in partition 2 offset 1:\n"),
        skip.out());
    assertTrue(skip.out().endsWith("recorded as ttest:" + topic + ":2:1 in " + topic + "-skipped; put it back with "
        + "`bin/vcsreplicator skipped replay " + broken + " ttest:" + topic + ":2:1`\n"
        + "skipped message in partition 2 for group ttest\n"), skip.out());
    assertEquals(2, committed());

    // The next one is skipped too (without a reason, as the original's runbooks do it).
    assertEquals(0, CommandRun.run("consume", broken, "--skip", "--partition", "2").exitCode());
    assertEquals(0, CommandRun.run("consume", broken, "--onetime").exitCode(), "the heartbeat");
    assertEquals(4, committed());
    assertNotEquals(history(master), history(mirror), "the mirror missed the changegroup");
    assertFalse(Files.exists(mirror.resolve(".hg/hgrc")), "and the hgrc");

    // skipped list: a table for people.
    CommandRun list = CommandRun.run("skipped", "list", broken);
    assertEquals(0, list.exitCode(), list.toString());
    List<String> lines = list.lines();
    assertEquals(4, lines.size(), list.out());
    assertEquals(List.of("id", "time", "user", "repo", "kind", "reason", "replayed"),
        List.of(lines.get(0).split("\\s+")));
    String user = System.getProperty("user.name");
    assertTrue(lines.get(2).matches("ttest:" + topic + ":2:1 +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z +"
        + user + " +\\{moz\\}/mozilla-central +hg-changegroup-2 +pull URL wrong on hgweb1, INC-42 +-"), lines.get(2));
    assertTrue(lines.get(3).matches("ttest:" + topic + ":2:2 +\\S+ +" + user
        + " +\\{moz\\}/mozilla-central +hg-hgrc-update-1 +- +-"), lines.get(3));

    // --json: the records' objects, the event exactly as on the wire.
    JsonNode records = json(CommandRun.run("skipped", "list", broken, "--json").out());
    assertEquals(2, records.size());
    JsonNode first = records.get(0);
    assertEquals("ttest:" + topic + ":2:1", first.get("id").textValue());
    assertEquals(topic, first.get("topic").textValue());
    assertEquals(2, first.get("partition").intValue());
    assertEquals(1, first.get("offset").longValue());
    assertEquals("ttest", first.get("group").textValue());
    assertEquals(user, first.get("user").textValue());
    assertFalse(first.get("host").textValue().isBlank());
    assertEquals("pull URL wrong on hgweb1, INC-42", first.get("reason").textValue());
    assertTrue(records.get(1).get("reason").isNull());
    assertArrayEquals(kafka.readAll(topic).get(1).value(), first.get("event").textValue().getBytes(StandardCharsets.UTF_8));
    assertTrue(first.get("replay_of").isNull());

    // Replaying with the cause not fixed fails with one line and records nothing.
    CommandRun early = CommandRun.run("skipped", "replay", broken, "ttest:" + topic + ":2:1");
    assertEquals(1, early.exitCode(), early.toString());
    assertEquals(1, early.errLines().size(), early.err());
    assertTrue(early.err().startsWith("vcsreplicator: replay of ttest:" + topic + ":2:1 failed: "), early.err());
    assertTrue(early.err().endsWith("; nothing recorded, fix the cause and run it again\n"), early.err());

    // The operator fixes the pull URL and puts both events back.
    String fixed = ini();
    CommandRun replay = CommandRun.run("skipped", "replay", fixed, "ttest:" + topic + ":2:1", "--reason", "URL fixed");
    assertEquals(0, replay.exitCode(), replay.toString());
    assertTrue(replay.out().startsWith("replayed hg-changegroup-2 for {moz}/mozilla-central from partition 2 "
        + "offset 1; recorded as ttest:" + topic + ":2:1:replayed:"), replay.out());
    assertEquals(history(master), history(mirror), "the mirror has every changeset of the master again");

    assertEquals(0, CommandRun.run("skipped", "replay", fixed, "ttest:" + topic + ":2:2").exitCode());
    assertEquals(HGRC, Files.readString(mirror.resolve(".hg/hgrc")));

    // Both show as replayed; the JSON has the replay records too.
    List<String> after = CommandRun.run("skipped", "list", fixed).lines();
    assertTrue(after.get(2).matches(".* \\d{4}-\\d\\d-\\d\\dT\\S+Z$"), after.get(2));
    assertTrue(after.get(3).matches(".* \\d{4}-\\d\\d-\\d\\dT\\S+Z$"), after.get(3));
    JsonNode all = json(CommandRun.run("skipped", "list", fixed, "--json").out());
    assertEquals(4, all.size());
    assertEquals("ttest:" + topic + ":2:1", all.get(2).get("replay_of").textValue());
    assertEquals("URL fixed", all.get(2).get("reason").textValue());
    assertEquals(all.get(0).get("event"), all.get(2).get("event"));
    assertEquals(4, committed(), "a replay commits nothing");
  }

  // ---------------------------------------------------------------------- refusals

  @Test
  void anOffsetThatIsNotNextIsRefusedWithNothingCommittedAndNoRecord() throws Exception {
    masterWithEvents();
    String config = ini();
    assertEquals(0, CommandRun.run("consume", config, "--onetime").exitCode());

    CommandRun refused = CommandRun.run("consume", config, "--skip", "--partition", "2", "--offset", "2");
    assertEquals(1, refused.exitCode(), refused.toString());
    assertEquals("vcsreplicator: refusing to skip: the next event of partition 2 is at offset 1, not 2; "
        + "nothing skipped, nothing recorded\n", refused.err());
    assertEquals("", refused.out());
    assertEquals(1, committed());
    assertFalse(auditTopicExists(), "no record written");

    CommandRun behind = CommandRun.run("consume", config, "--skip", "--partition", "2", "--offset", "0");
    assertEquals(1, behind.exitCode());
    assertTrue(behind.err().contains("not 0 (offset 0 is already acknowledged)"), behind.err());

    CommandRun noPartition = CommandRun.run("consume", config, "--skip", "--offset", "1");
    assertEquals(1, noPartition.exitCode());
    assertEquals("vcsreplicator: --skip --offset N needs --partition P: offsets are per partition\n", noPartition.err());
    CommandRun noSkip = CommandRun.run("consume", config, "--reason", "x");
    assertEquals(1, noSkip.exitCode());
    assertEquals("vcsreplicator: --offset and --reason go with --skip\n", noSkip.err());

    assertEquals(1, committed());
    assertEquals("[]\n", CommandRun.run("skipped", "list", config, "--json").out());
    assertEquals("no skipped events recorded in " + topic + "-skipped\n",
        CommandRun.run("skipped", "list", config).out());
  }

  @Test
  void aSkipWhoseRecordCannotBeWrittenCommitsNothing() throws Exception {
    masterWithEvents();
    String config = ini(masterRoot, "skip_topic = " + topic + "-tiny-audit");
    // The broker refuses every skip record: its topic takes no record that large.
    kafka.createTopic(topic + "-tiny-audit", 1, Map.of("max.message.bytes", "64"));

    CommandRun skip = CommandRun.run("consume", config, "--skip", "--partition", "2");
    assertEquals(1, skip.exitCode(), skip.toString());
    assertEquals(1, skip.errLines().size(), skip.err());
    assertTrue(skip.err().startsWith("vcsreplicator: cannot record the skip of ttest:" + topic + ":2:0 in topic "
        + topic + "-tiny-audit: "), skip.err());
    assertTrue(skip.err().endsWith("; nothing was committed, the event is still pending\n"), skip.err());
    assertEquals(-1, committed());
    assertTrue(CommandRun.run("consume", config, "--dump", "--partition", "2").out()
        .startsWith("- _created: "), "the event is still pending");
  }

  // ---------------------------------------------------------------------- list filters, replay errors

  @Test
  void listFiltersByRepoAndSince() throws Exception {
    String config = ini();
    send(new RepoInitV2(WirePath.of("{moz}/a"), true), new RepoInitV2(WirePath.of("{moz}/b"), true));
    assertEquals(0, CommandRun.run("consume", config, "--skip", "--partition", "2", "--offset", "0").exitCode());
    assertEquals(0, CommandRun.run("consume", config, "--skip", "--partition", "2", "--offset", "1").exitCode());

    List<String> onlyB = CommandRun.run("skipped", "list", config, "--repo", "{moz}/b").lines();
    assertEquals(3, onlyB.size(), onlyB.toString());
    assertTrue(onlyB.get(2).startsWith("ttest:" + topic + ":2:1 "), onlyB.get(2));
    JsonNode onlyA = json(CommandRun.run("skipped", "list", config, "--repo", "{moz}/a", "--json").out());
    assertEquals(1, onlyA.size());
    assertEquals(0, onlyA.get(0).get("offset").intValue());

    assertEquals(2, json(CommandRun.run("skipped", "list", config, "--since", "2000-01-01", "--json").out()).size());
    assertEquals("no skipped events recorded in " + topic + "-skipped match the filters\n",
        CommandRun.run("skipped", "list", config, "--since", "2999-01-01T00:00:00Z").out());

    CommandRun bad = CommandRun.run("skipped", "list", config, "--since", "yesterday");
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().startsWith("vcsreplicator: --since: 'yesterday' is not an ISO-8601 time"), bad.err());
  }

  @Test
  void replayRefusesWhatItCannotReplayWithOneLine() throws Exception {
    String config = ini();
    CommandRun unknown = CommandRun.run("skipped", "replay", config, "ttest:" + topic + ":2:9");
    assertEquals(1, unknown.exitCode());
    assertEquals("vcsreplicator: no skip record ttest:" + topic + ":2:9 in " + topic + "-skipped (see "
        + "`bin/vcsreplicator skipped list " + config + "`)\n", unknown.err());

    // A poison record (not our wire format) is skipped and recorded byte for byte, but cannot be replayed.
    byte[] poison = {'2', '\n', (byte) 0xff, '{'};
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientConfig().toClientProperties(),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, 2, "{moz}/x".getBytes(StandardCharsets.UTF_8), poison)).get(10, TimeUnit.SECONDS);
    }
    CommandRun skip = CommandRun.run("consume", config, "--skip", "--partition", "2", "--offset", "0");
    assertEquals(0, skip.exitCode(), skip.toString());
    JsonNode record = json(CommandRun.run("skipped", "list", config, "--json").out()).get(0);
    assertTrue(record.get("event").isNull());
    assertArrayEquals(poison, java.util.Base64.getDecoder().decode(record.get("event_base64").textValue()));
    assertTrue(CommandRun.run("skipped", "list", config, "--repo", "{moz}/x").out().contains(" undecodable "));

    CommandRun replay = CommandRun.run("skipped", "replay", config, "ttest:" + topic + ":2:0");
    assertEquals(1, replay.exitCode());
    assertEquals(1, replay.errLines().size(), replay.err());
    assertTrue(replay.err().startsWith("vcsreplicator: cannot replay ttest:" + topic + ":2:0: unknown message header "),
        replay.err());
    assertTrue(replay.err().endsWith(" (an event this version cannot apply)\n"), replay.err());

    // Another mirror's skip is not replayed here.
    Path otherIni = Files.writeString(tmp.resolve("other.ini"),
        Files.readString(Path.of(config)).replace("group = ttest", "group = hgweb2"));
    CommandRun foreign = CommandRun.run("skipped", "replay", otherIni.toString(), "ttest:" + topic + ":2:0");
    assertEquals(1, foreign.exitCode());
    assertEquals("vcsreplicator: ttest:" + topic + ":2:0 was skipped by group ttest on topic " + topic
        + "; this mirror consumes " + topic + " as group hgweb2\n", foreign.err());
  }

  @Test
  void helpExitsZero() {
    assertEquals(0, CommandRun.run("skipped", "--help").exitCode());
    assertEquals(0, CommandRun.run("skipped", "list", "--help").exitCode());
    assertEquals(0, CommandRun.run("skipped", "replay", "--help").exitCode());
  }
}
