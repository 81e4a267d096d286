package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.RecordCoordinates;

/** {@code --dump} output, golden text produced by PyYAML's {@code safe_dump(…, default_flow_style=False)}. */
class DumpYamlTest {

  private static PendingRecord record(long offset, String json) {
    return new PendingRecord(new RecordCoordinates("pushdata", 6, offset), null,
        ("1\n" + json).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void emptyIsAnEmptyList() {
    assertEquals("[]", DumpYaml.render(List.of()));
  }

  @Test
  void matchesPyYamlForEveryShapeOfField() {
    List<PendingRecord> records = new ArrayList<>();
    records.add(record(0, "{\"_created\": 1461646912.198106, \"heads\": [\"8ba995b74e18334ab3707f27e9eb8f4e37ba3d29\"], "
        + "\"name\": \"hg-changegroup-1\", \"nodes\": [\"8ba995b74e18334ab3707f27e9eb8f4e37ba3d29\"], "
        + "\"path\": \"{moz}/users/gszorc_mozilla.com/mc-treemanifest\", \"source\": \"serve\"}"));
    records.add(record(1, "{\"_created\": 1.5, \"content\": \"[hooks]\\ndummy = value\\n\\n\", "
        + "\"name\": \"hg-hgrc-update-1\", \"path\": \"{moz}/mozilla-central\"}"));
    records.add(record(2, "{\"_created\": 1700000000.0, \"content\": \"[web]\\ndescription = \\u3053\\u3093\\u306b\\u3061\\u306f\\n\", "
        + "\"name\": \"hg-hgrc-update-1\", \"path\": \"{moz}/x\"}"));
    records.add(record(3, "{\"_created\": 2.0, \"key\": \"77538e1ce4bec5f7aac58a7ceca2da0e38e90a72\", \"name\": \"hg-pushkey-1\", "
        + "\"namespace\": \"phases\", \"new\": \"0\", \"old\": \"1\", \"path\": \"{moz}/x\", \"ret\": 0}"));
    records.add(record(4, "{\"_created\": 2.0, \"key\": \"my-bookmark\", \"name\": \"hg-pushkey-1\", \"namespace\": \"bookmarks\", "
        + "\"new\": \"77538e1ce4bec5f7aac58a7ceca2da0e38e90a72\", \"old\": \"\", \"path\": \"{moz}/x\", \"ret\": 0}"));
    records.add(record(5, "{\"_created\": 3.25, \"heads\": [\"0c6b2090d458675af812e445c8ab9b809e321f57\"], \"last_push_id\": null, "
        + "\"name\": \"hg-heads-1\", \"path\": \"{moz}/x\", \"bootstrap\": false, "
        + "\"unknown_field\": {\"b\": [1, 2.5, true], \"a\": \"x y\"}}"));
    records.add(record(6, "{\"_created\": 4.0, \"name\": \"heartbeat-1\", \"long\": \"" + "abcdefghij ".repeat(12) + "\"}"));
    String expected = String.join("\n",
        "- _created: 1461646912.198106",
        "  heads:",
        "  - 8ba995b74e18334ab3707f27e9eb8f4e37ba3d29",
        "  name: hg-changegroup-1",
        "  nodes:",
        "  - 8ba995b74e18334ab3707f27e9eb8f4e37ba3d29",
        "  path: '{moz}/users/gszorc_mozilla.com/mc-treemanifest'",
        "  source: serve",
        "- _created: 1.5",
        "  content: '[hooks]",
        "",
        "    dummy = value",
        "",
        "",
        "    '",
        "  name: hg-hgrc-update-1",
        "  path: '{moz}/mozilla-central'",
        "- _created: 1700000000.0",
        "  content: \"[web]\\ndescription = \\u3053\\u3093\\u306b\\u3061\\u306f\\n\"",
        "  name: hg-hgrc-update-1",
        "  path: '{moz}/x'",
        "- _created: 2.0",
        "  key: 77538e1ce4bec5f7aac58a7ceca2da0e38e90a72",
        "  name: hg-pushkey-1",
        "  namespace: phases",
        "  new: '0'",
        "  old: '1'",
        "  path: '{moz}/x'",
        "  ret: 0",
        "- _created: 2.0",
        "  key: my-bookmark",
        "  name: hg-pushkey-1",
        "  namespace: bookmarks",
        "  new: 77538e1ce4bec5f7aac58a7ceca2da0e38e90a72",
        "  old: ''",
        "  path: '{moz}/x'",
        "  ret: 0",
        "- _created: 3.25",
        "  bootstrap: false",
        "  heads:",
        "  - 0c6b2090d458675af812e445c8ab9b809e321f57",
        "  last_push_id: null",
        "  name: hg-heads-1",
        "  path: '{moz}/x'",
        "  unknown_field:",
        "    a: x y",
        "    b:",
        "    - 1",
        "    - 2.5",
        "    - true",
        "- _created: 4.0",
        "  long: 'abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij",
        "    abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij '",
        "  name: heartbeat-1");
    assertEquals(expected, DumpYaml.render(records));
  }

  @Test
  void undecodableRecordIsShownWithItsCoordinates() {
    PendingRecord bad = new PendingRecord(new RecordCoordinates("pushdata", 6, 9), null,
        "2\n{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "- _offset: 9",
        "  _partition: 6",
        "  _undecodable: undecodable record (unknown message header \"2\\n{}\" (expected \"1\\n\"))",
        "  _value: '2",
        "",
        "    {}'"), DumpYaml.render(List.of(bad)));
  }
}
