package org.vcsreplicator.skip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.message.RecordCoordinates;

class SkipListingTest {
  private static final Actor ALICE = new Actor("hgweb1", "alice");
  private static final Actor BOB = new Actor("hgweb1", "bob");

  private static byte[] event(String name, String path) {
    return ("1\n{\"_created\": 1.0, \"name\": \"" + name + "\", \"path\": \"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static final SkipRecord CG = SkipRecord.skip(new RecordCoordinates("pushdata", 6, 1), "ttest", null,
      event("hg-changegroup-2", "{moz}/mc"), ALICE, Instant.parse("2024-05-01T03:00:00Z"),
      Optional.of("corrupt\nmanifest"));
  private static final SkipRecord HGRC = SkipRecord.skip(new RecordCoordinates("pushdata", 2, 7), "ttest", null,
      event("hg-hgrc-update-1", "{moz}/try"), ALICE, Instant.parse("2024-05-02T03:00:00Z"), Optional.empty());
  private static final SkipRecord POISON = SkipRecord.skip(new RecordCoordinates("pushdata", 2, 9), "ttest",
      "{moz}/mc".getBytes(StandardCharsets.UTF_8), new byte[] {'x'}, BOB, Instant.parse("2024-05-03T03:00:00Z"),
      Optional.empty());
  private static final SkipRecord REPLAY = SkipRecord.replay(CG, BOB, Instant.parse("2024-05-04T03:00:00Z"),
      Optional.empty());
  private static final List<SkipRecord> ALL = List.of(CG, HGRC, POISON, REPLAY);

  @Test
  void tableHasOneRowPerSkipWithWhenItWasReplayed() {
    assertEquals(List.of(
        "id                  time                      user   repo       kind              reason              replayed",
        "------------------  ------------------------  -----  ---------  ----------------  ------------------  ------------------------",
        "ttest:pushdata:6:1  2024-05-01T03:00:00.000Z  alice  {moz}/mc   hg-changegroup-2  corrupt / manifest  2024-05-04T03:00:00.000Z",
        "ttest:pushdata:2:7  2024-05-02T03:00:00.000Z  alice  {moz}/try  hg-hgrc-update-1  -                   -",
        "ttest:pushdata:2:9  2024-05-03T03:00:00.000Z  bob    {moz}/mc   undecodable       -                   -"),
        SkipListing.table(ALL, SkipListing.Filter.all()));
  }

  @Test
  void filtersByRepoAndSince() {
    SkipListing.Filter mc = new SkipListing.Filter(Optional.of("{moz}/mc"), Optional.empty());
    assertEquals(List.of(CG, POISON, REPLAY), SkipListing.select(ALL, mc));
    SkipListing.Filter since = new SkipListing.Filter(Optional.empty(), Optional.of(Instant.parse("2024-05-02T03:00:00Z")));
    assertEquals(List.of(HGRC, POISON, REPLAY), SkipListing.select(ALL, since));
    List<String> table = SkipListing.table(ALL, new SkipListing.Filter(Optional.of("{moz}/try"), Optional.empty()));
    assertEquals(3, table.size(), table.toString());
    assertEquals("ttest:pushdata:2:7", table.get(2).split(" ")[0]);
  }

  @Test
  void emptyTableIsHeaderAndDashes() {
    assertEquals(List.of("id  time  user  repo  kind  reason  replayed", "--  ----  ----  ----  ----  ------  --------"),
        SkipListing.table(List.of(), SkipListing.Filter.all()));
  }

  @Test
  void jsonListsSkipAndReplayRecords() {
    String json = SkipListing.json(ALL, new SkipListing.Filter(Optional.of("{moz}/try"), Optional.empty()));
    assertEquals(SkipRecordCodec.writeList(List.of(HGRC)), json);
    assertEquals(4, SkipListing.json(ALL, SkipListing.Filter.all()).split("\"id\": ").length - 1);
  }

  @ParameterizedTest
  @CsvSource({
      "2024-05-01T03:00:00Z, 2024-05-01T03:00:00Z",
      "2024-05-01T05:00:00+02:00, 2024-05-01T03:00:00Z",
      "2024-05-01T03:00, 2024-05-01T03:00:00Z",
      "2024-05-01, 2024-05-01T00:00:00Z",
      "2024-05-01T03:00:00.5Z, 2024-05-01T03:00:00.5Z",
  })
  void parsesSince(String text, String expected) {
    assertEquals(Instant.parse(expected), SkipListing.parseSince(text));
  }

  @Test
  void badSinceSaysWhatIsAccepted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SkipListing.parseSince("yesterday"));
    assertEquals("--since: 'yesterday' is not an ISO-8601 time (e.g. 2024-05-01T03:00:00Z, "
        + "2024-05-01T05:00:00+02:00 or 2024-05-01; no offset means UTC)", e.getMessage());
  }
}
