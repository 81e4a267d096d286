package org.vcsreplicator.skip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.WirePath;

class SkipRecordCodecTest {
  static final Actor ALICE = new Actor("hgweb1.example", "alice");
  static final Instant T = Instant.parse("2024-05-01T03:12:45.123456Z");
  static final RecordCoordinates AT = new RecordCoordinates("pushdata", 6, 41);
  static final byte[] EVENT = "1\n{\"_created\": 1714533165.0, \"name\": \"hg-repo-init-2\", \"generaldelta\": true, \"path\": \"{moz}/caf\u00e9\"}"
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void writesEveryKeySortedWithTheEventExactlyAsOnTheWire() {
    SkipRecord r = SkipRecord.skip(AT, "ttest", "{moz}/café".getBytes(StandardCharsets.UTF_8), EVENT, ALICE, T,
        Optional.of("repo corrupt on this mirror, bug 123"));
    String json = new String(SkipRecordCodec.encode(r), StandardCharsets.UTF_8);
    assertEquals("{\"event\": \"1\\n{\\\"_created\\\": 1714533165.0, \\\"name\\\": \\\"hg-repo-init-2\\\", "
        + "\\\"generaldelta\\\": true, \\\"path\\\": \\\"{moz}/caf\\u00e9\\\"}\", \"event_base64\": null, "
        + "\"group\": \"ttest\", \"host\": \"hgweb1.example\", \"id\": \"ttest:pushdata:6:41\", "
        + "\"key\": \"{moz}/caf\\u00e9\", \"offset\": 41, \"partition\": 6, "
        + "\"reason\": \"repo corrupt on this mirror, bug 123\", \"replay_of\": null, "
        + "\"time\": \"2024-05-01T03:12:45.123Z\", \"topic\": \"pushdata\", \"user\": \"alice\"}", json);
  }

  @Test
  void roundTripsAndTheEventBytesAreIdentical() throws Exception {
    SkipRecord r = SkipRecord.skip(AT, "ttest", null, EVENT, ALICE, T, Optional.empty());
    SkipRecord back = SkipRecordCodec.decode(SkipRecordCodec.encode(r));
    assertEquals(r, back);
    assertArrayEquals(EVENT, back.event());
    assertEquals(Optional.empty(), back.reason());
    assertEquals(Instant.parse("2024-05-01T03:12:45.123Z"), back.time());
    assertEquals("hg-repo-init-2", back.kind());
    assertEquals(Optional.of("{moz}/café"), back.repo());
    assertEquals("{moz}/café", back.decode().event().repo().orElseThrow().value());
  }

  @Test
  void anEventWrittenByOurCodecSurvivesTheRecord() throws Exception {
    byte[] wire = WireCodec.encode(Message.of(new HgrcUpdate(WirePath.of("{moz}/x"), Optional.of("[hooks]\n\u2603 = 1\n"))));
    SkipRecord back = SkipRecordCodec.decode(SkipRecordCodec.encode(
        SkipRecord.skip(AT, "g", null, wire, ALICE, T, Optional.empty())));
    assertArrayEquals(wire, back.event());
  }

  @Test
  void bytesThatAreNotUtf8GoToEventBase64() throws Exception {
    byte[] poison = {'1', '\n', (byte) 0xff, (byte) 0xfe, '{'};
    SkipRecord r = SkipRecord.skip(AT, "ttest", null, poison, ALICE, T, Optional.empty());
    String json = new String(SkipRecordCodec.encode(r), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"event\": null, \"event_base64\": \"" + Base64.getEncoder().encodeToString(poison) + "\""),
        json);
    SkipRecord back = SkipRecordCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(poison, back.event());
    assertEquals(SkipRecord.UNDECODABLE, back.kind());
    assertEquals(Optional.empty(), back.repo());
  }

  @Test
  void anUndecodableRecordKeepsItsKeyAsRepo() throws Exception {
    byte[] garbage = "2\nnot ours".getBytes(StandardCharsets.UTF_8);
    SkipRecord r = SkipRecord.skip(AT, "ttest", "{moz}/x".getBytes(StandardCharsets.UTF_8), garbage, ALICE, T,
        Optional.empty());
    SkipRecord back = SkipRecordCodec.decode(SkipRecordCodec.encode(r));
    assertEquals("2\nnot ours", back.eventText().orElseThrow());
    assertEquals(SkipRecord.UNDECODABLE, back.kind());
    assertEquals(Optional.of("{moz}/x"), back.repo());
  }

  @Test
  void aRecordWithoutValueHasBothEventFieldsNull() throws Exception {
    SkipRecord r = SkipRecord.skip(AT, "ttest", null, null, ALICE, T, Optional.empty());
    String json = new String(SkipRecordCodec.encode(r), StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"event\": null, \"event_base64\": null, "), json);
    assertNull(SkipRecordCodec.decode(json.getBytes(StandardCharsets.UTF_8)).event());
  }

  @Test
  void aReplayRecordNamesTheSkipAndKeepsTheEvent() throws Exception {
    SkipRecord skip = SkipRecord.skip(AT, "ttest", null, EVENT, ALICE, T, Optional.of("broken"));
    Actor bob = new Actor("hgweb1.example", "bob");
    SkipRecord replay = SkipRecord.replay(skip, bob, Instant.parse("2024-05-02T10:00:00Z"), Optional.empty());
    assertEquals("ttest:pushdata:6:41:replayed:2024-05-02T10:00:00.000Z", replay.id());
    assertEquals(Optional.of("ttest:pushdata:6:41"), replay.replayOf());
    assertTrue(replay.isReplay());
    assertFalse(skip.isReplay());
    assertArrayEquals(EVENT, replay.event());
    assertEquals(replay, SkipRecordCodec.decode(SkipRecordCodec.encode(replay)));
    assertThrows(IllegalArgumentException.class, () -> SkipRecord.replay(replay, bob, T, Optional.empty()));
  }

  @Test
  void blankReasonIsNoReason() {
    assertEquals(Optional.empty(), SkipRecord.skip(AT, "g", null, EVENT, ALICE, T, Optional.of("  ")).reason());
  }

  @Test
  void writesAList() {
    SkipRecord r = SkipRecord.skip(AT, "g", null, null, ALICE, T, Optional.empty());
    String list = SkipRecordCodec.writeList(List.of(r, r));
    assertTrue(list.startsWith("[{\"event\": null") && list.endsWith("\"user\": \"alice\"}]"), list);
    assertEquals("[]", SkipRecordCodec.writeList(List.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "[]",
      "{\"id\": \"x\"}",
      "{\"event\": null, \"group\": \"g\", \"host\": \"h\", \"id\": \"g:t:0:1\", \"offset\": \"1\", \"partition\": 0, "
          + "\"time\": \"2024-05-01T03:12:45.123Z\", \"topic\": \"t\", \"user\": \"u\"}",
      "{\"event\": null, \"group\": \"g\", \"host\": \"h\", \"id\": \"g:t:0:1\", \"offset\": 1, \"partition\": 0, "
          + "\"time\": \"yesterday\", \"topic\": \"t\", \"user\": \"u\"}",
      "{\"event_base64\": \"***\", \"group\": \"g\", \"host\": \"h\", \"id\": \"g:t:0:1\", \"offset\": 1, "
          + "\"partition\": 0, \"time\": \"2024-05-01T03:12:45.123Z\", \"topic\": \"t\", \"user\": \"u\"}",
  })
  void malformedValuesAreRejectedWithAReason(String text) {
    MalformedSkipRecordException e = assertThrows(MalformedSkipRecordException.class,
        () -> SkipRecordCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void unknownKeysAreIgnoredAndOffsetTimesAccepted() throws Exception {
    String text = "{\"event\": null, \"future\": 1, \"group\": \"g\", \"host\": \"h\", \"id\": \"g:t:0:1\", \"offset\": 1, "
        + "\"partition\": 0, \"time\": \"2024-05-01T05:12:45+02:00\", \"topic\": \"t\", \"user\": \"u\"}";
    SkipRecord r = SkipRecordCodec.decode(text.getBytes(StandardCharsets.UTF_8));
    assertEquals(Instant.parse("2024-05-01T03:12:45Z"), r.time());
    assertEquals(Optional.empty(), r.reason());
  }
}
