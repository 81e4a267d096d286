package org.vcsreplicator.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.EventKind;
import org.vcsreplicator.message.Events;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.WirePath;

class WireCodecTest {

  // Golden vectors: the bytes the Python original writes for these payloads.
  private static final String GOLDEN_CHANGEGROUP =
      "1\n{\"_created\": 1461646912.198106, \"heads\": [\"8ba995b74e18334ab3707f27e9eb8f4e37ba3d29\"], "
          + "\"name\": \"hg-changegroup-2\", \"nodecount\": 1, \"path\": \"{moz}/try\", \"source\": \"serve\"}";
  private static final String GOLDEN_HGRC =
      "1\n{\"_created\": 1461646912.0, \"content\": null, \"name\": \"hg-hgrc-update-1\", \"path\": \"{moz}/\\u00f1\"}";

  @Test
  void writesTheOriginalsBytesForAChangegroup() {
    Message m = Message.of(new ChangegroupV2(WirePath.of("{moz}/try"), "serve", 1, NodeId.listOf(Events.NODE_A)))
        .withCreated(1461646912.198106);
    assertArrayEquals(GOLDEN_CHANGEGROUP.getBytes(UTF_8), WireCodec.encode(m));
  }

  @Test
  void writesNonAsciiAsPythonEscapesAndIntegralFloatsWithPointZero() {
    Message m = Message.of(new HgrcUpdate(WirePath.of("{moz}/ñ"), Optional.empty())).withCreated(1461646912.0);
    byte[] bytes = WireCodec.encode(m);
    assertArrayEquals(GOLDEN_HGRC.getBytes(UTF_8), bytes);
    assertTrue(new String(bytes, UTF_8).contains("\\u00f1"));
  }

  @Test
  void readsTheGoldenVectors() throws Exception {
    Message cg = WireCodec.decode(GOLDEN_CHANGEGROUP.getBytes(UTF_8));
    assertEquals(new ChangegroupV2(WirePath.of("{moz}/try"), "serve", 1, NodeId.listOf(Events.NODE_A)), cg.event());
    assertEquals(1461646912.198106, cg.created().getAsDouble());
    Message hgrc = WireCodec.decode(GOLDEN_HGRC.getBytes(UTF_8));
    assertEquals(new HgrcUpdate(WirePath.of("{moz}/ñ"), Optional.empty()), hgrc.event());
  }

  @Test
  void goldenVectorsRoundTripByteForByte() throws Exception {
    for (String golden : List.of(GOLDEN_CHANGEGROUP, GOLDEN_HGRC)) {
      byte[] bytes = golden.getBytes(UTF_8);
      assertArrayEquals(bytes, WireCodec.encode(WireCodec.decode(bytes)), golden);
    }
  }

  static List<Event> everyKind() {
    return Events.oneOfEachKind();
  }

  @Test
  void testDataCoversEveryKind() {
    Set<EventKind> kinds = everyKind().stream().map(Event::kind).collect(Collectors.toSet());
    assertEquals(EnumSet.allOf(EventKind.class), kinds);
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void everyKindRoundTrips(Event event) throws Exception {
    Message m = Message.of(event).withCreated(1700000000.25);
    Message back = WireCodec.decode(WireCodec.encode(m));
    assertEquals(m, back);
    assertEquals(event.kind().wireName(), WireCodec.toJson(m).get("name").textValue());
  }

  @Test
  void keepsUnknownAndAggregatorFieldsWhenRepublishing() throws Exception {
    String in = "1\n{\"_created\": 1.5, \"_original_created\": 1.25, \"_original_partition\": 7, "
        + "\"future\": {\"b\": [1, 2.5, null], \"a\": true}, \"name\": \"heartbeat-1\"}";
    Message m = WireCodec.decode(in.getBytes(UTF_8));
    assertEquals(7, m.originalPartition().getAsInt());
    assertEquals(1.25, m.originalCreated().getAsDouble());
    String out = new String(WireCodec.encode(m), UTF_8);
    assertEquals("1\n{\"_created\": 1.5, \"_original_created\": 1.25, \"_original_partition\": 7, "
        + "\"future\": {\"a\": true, \"b\": [1, 2.5, null]}, \"name\": \"heartbeat-1\"}", out);
  }

  @Test
  void headsWithoutPushlogWritesNull() {
    Message m = Message.of(new Heads(Events.repo("x"), List.of(NodeId.NULL), OptionalLong.empty()));
    String out = new String(WireCodec.encode(m), UTF_8);
    assertEquals("1\n{\"heads\": [\"0000000000000000000000000000000000000000\"], \"last_push_id\": null, "
        + "\"name\": \"hg-heads-1\", \"path\": \"{moz}/x\"}", out);
  }

  @Test
  void escapesControlCharactersQuotesAndAstralCharactersLikePython() {
    Message m = Message.of(new HgrcUpdate(Events.repo("x"), Optional.of("a\"b\\c\n\t\u0001\u007f\uD83D\uDE00é")));
    String out = new String(WireCodec.encode(m), UTF_8);
    assertTrue(out.contains("\"content\": \"a\\\"b\\\\c\\n\\t\\u0001\\u007f\\ud83d\\ude00\\u00e9\""), out);
  }

  @Test
  void refusesExtraFieldCollidingWithAnEventField() {
    Message m = Message.of(new HgrcUpdate(Events.repo("x"), Optional.empty()))
        .withExtraField("path", TextNode.valueOf("{moz}/other"));
    assertThrows(IllegalArgumentException.class, () -> WireCodec.encode(m));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no header                | {"name": "heartbeat-1"}                                  | unknown message header
      wrong header             | 2\\n{"name": "heartbeat-1"}                              | unknown message header
      empty                    | 1\\n                                                     | payload is empty
      bad json                 | 1\\n{"name": "heartbeat-1"                               | not valid JSON
      trailing garbage         | 1\\n{"name": "heartbeat-1"} x                            | not valid JSON
      not an object            | 1\\n["heartbeat-1"]                                      | must be a JSON object, got a list
      no name                  | 1\\n{"path": "{moz}/x"}                                  | missing field 'name'
      name not a string        | 1\\n{"name": 3}                                          | field 'name' must be a string
      unknown name             | 1\\n{"name": "hg-frobnicate-1", "path": "{moz}/x"}       | unknown event name 'hg-frobnicate-1'
      missing path             | 1\\n{"name": "hg-repo-init-1"}                           | missing field 'path'
      path not a string        | 1\\n{"name": "hg-repo-delete-1", "path": 5}              | field 'path' must be a string, got a number
      empty path               | 1\\n{"name": "hg-repo-delete-1", "path": ""}             | wire path is empty
      generaldelta not bool    | 1\\n{"name": "hg-repo-init-2", "path": "{moz}/x", "generaldelta": 1} | field 'generaldelta' must be a boolean
      head not 40 hex          | 1\\n{"name": "hg-changegroup-2", "path": "{moz}/x", "source": "serve", "nodecount": 1, "heads": ["abc"]} | field 'heads' item 0: not a 40-hex changeset id: 'abc'
      uppercase head           | 1\\n{"name": "hg-heads-1", "path": "{moz}/x", "heads": ["8BA995B74E18334AB3707F27E9EB8F4E37BA3D29"], "last_push_id": 1} | not a 40-hex changeset id
      nodecount float          | 1\\n{"name": "hg-changegroup-2", "path": "{moz}/x", "source": "serve", "nodecount": 1.5, "heads": []} | field 'nodecount' must be an integer, got a number
      ret missing              | 1\\n{"name": "hg-pushkey-1", "path": "{moz}/x", "namespace": "phases", "key": "k", "old": "1", "new": "0"} | missing field 'ret'
      created not a number     | 1\\n{"name": "heartbeat-1", "_created": "now"}           | field '_created' must be a number
      requirement not string   | 1\\n{"name": "hg-repo-sync-1", "path": "{moz}/x", "requirements": [1], "hgrc": null, "heads": []} | field 'requirements' item 0 must be a string
      duplicate key            | 1\\n{"name": "heartbeat-1", "name": "heartbeat-1"}       | not valid JSON
      """)
  void rejectsBadInputWithAClearReason(String label, String value, String expected) {
    byte[] bytes = value.replace("\\n", "\n").getBytes(UTF_8);
    UndecodableRecordException e =
        assertThrows(UndecodableRecordException.class, () -> WireCodec.decode(bytes, new RecordCoordinates("pushdata", 6, 42)));
    assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith("undecodable record at topic=pushdata partition=6 offset=42"), e.getMessage());
    assertEquals(42, e.coordinates().orElseThrow().offset());
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] bytes = {'1', '\n', '{', '"', (byte) 0xff, '"', ':', '1', '}'};
    UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> WireCodec.decode(bytes));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  @Test
  void reportsTheEventNameOfAnIllTypedRecord() {
    byte[] bytes = "1\n{\"name\": \"hg-repo-init-2\", \"path\": \"{moz}/x\"}".getBytes(UTF_8);
    UndecodableRecordException e = assertThrows(UndecodableRecordException.class, () -> WireCodec.decode(bytes));
    assertEquals("hg-repo-init-2", e.wireName().orElseThrow());
    assertTrue(e.getMessage().contains("missing field 'generaldelta'"), e.getMessage());
  }
}
