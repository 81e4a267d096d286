package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV1;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/** The {@code processing …} display strings of ORIGINAL-BEHAVIOURS X6, as the original prints them. */
class EventDisplayTest {
  private static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  private static final String NODE = "77538e1ce4bec5f7aac58a7ceca2da0e38e90a72";

  @Test
  void heartbeatIsItsNameAlone() {
    assertEquals("heartbeat-1", EventDisplay.of(new Heartbeat()));
  }

  @Test
  void repoOnlyKinds() {
    assertEquals("hg-repo-init-2: (repo: {moz}/mozilla-central)", EventDisplay.of(new RepoInitV2(MC, true)));
    assertEquals("hg-hgrc-update-1: (repo: {moz}/mozilla-central)",
        EventDisplay.of(new HgrcUpdate(MC, Optional.empty())));
    assertEquals("hg-repo-delete-1: (repo: {moz}/mozilla-central)", EventDisplay.of(new RepoDelete(MC)));
  }

  @Test
  void changegroupShowsTwelveCharacterHeads() {
    assertEquals("hg-changegroup-2: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be'])",
        EventDisplay.of(new ChangegroupV2(MC, "serve", 1, NodeId.listOf(NODE))));
  }

  @Test
  void moreThanTwentyFiveHeadsAreTruncated() {
    List<NodeId> heads = new ArrayList<>();
    for (int i = 0; i < 27; i++) {
      heads.add(NodeId.of(String.format("%040x", i)));
    }
    String shown = EventDisplay.of(new ChangegroupV2(MC, "serve", 27, heads));
    StringBuilder expected = new StringBuilder("hg-changegroup-2: (repo: {moz}/mozilla-central, heads: [");
    for (int i = 0; i < 25; i++) {
      expected.append(i == 0 ? "" : ", ").append('\'').append(String.format("%012x", 0)).append('\'');
    }
    expected.append("] and 2 more)");
    assertEquals(expected.toString(), shown);
  }

  @Test
  void pushkeyShowsNamespaceAndKey() {
    assertEquals("hg-pushkey-1: (repo: {moz}/mozilla-central, namespace/key: bookmarks/my-bookmark)",
        EventDisplay.of(new Pushkey(MC, "bookmarks", "my-bookmark", "", NODE, 0)));
  }

  @Test
  void headsShowLastPushIdOrNone() {
    assertEquals("hg-heads-1: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be'], last_push_id: 1)",
        EventDisplay.of(new Heads(MC, NodeId.listOf(NODE), OptionalLong.of(1))));
    assertEquals("hg-heads-1: (repo: {moz}/mozilla-central, heads: [], last_push_id: None)",
        EventDisplay.of(new Heads(MC, List.of(), OptionalLong.empty())));
  }

  @Test
  void syncShowsBootstrapThePythonWay() {
    assertEquals("hg-repo-sync-2: (repo: {moz}/mozilla-central, heads: ['000000000000'], bootstrap: False)",
        EventDisplay.of(new RepoSyncV2(MC, List.of(), Optional.empty(), List.of(NodeId.NULL), false)));
    assertEquals("hg-repo-sync-2: (repo: {moz}/mozilla-central, heads: ['000000000000'], bootstrap: True)",
        EventDisplay.of(new RepoSyncV2(MC, List.of(), Optional.empty(), List.of(NodeId.NULL), true)));
    assertEquals("hg-repo-sync-1: (repo: {moz}/mozilla-central, heads: ['000000000000'])",
        EventDisplay.of(new RepoSyncV1(MC, List.of(), Optional.empty(), List.of(NodeId.NULL))));
  }
}
