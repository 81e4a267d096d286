package org.vcsreplicator.message;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Test data: one well-formed event of every kind. */
public final class Events {
  private Events() {}

  public static final String NODE_A = "8ba995b74e18334ab3707f27e9eb8f4e37ba3d29";
  public static final String NODE_B = "35e6847637ef893f13828bf8b5b19ab56385011b";

  public static WirePath repo(String name) {
    return WirePath.of("{moz}/" + name);
  }

  /** Every kind, in {@link EventKind} order. */
  public static List<Event> oneOfEachKind() {
    WirePath p = repo("mozilla-central");
    return List.of(
        new Heartbeat(),
        new RepoInitV1(p),
        new RepoInitV2(p, true),
        new HgrcUpdate(p, Optional.of("[hooks]\ndummy = value\n\n")),
        new ChangegroupV1(p, "serve", NodeId.listOf(NODE_A, NODE_B), NodeId.listOf(NODE_B)),
        new ChangegroupV2(p, "serve", 2, NodeId.listOf(NODE_B)),
        new Pushkey(p, Pushkey.BOOKMARKS, "my-bookmark", "", NODE_A, 0),
        new RepoSyncV1(p, List.of("dotencode", "fncache", "store"), Optional.empty(), List.of(NodeId.NULL)),
        new RepoSyncV2(p, List.of("store"), Optional.of("[hooks]\nfoo = bar\n"), NodeId.listOf(NODE_A), true),
        new Heads(p, NodeId.listOf(NODE_B, NODE_A), OptionalLong.of(3)),
        new RepoDelete(p));
  }
}
