package org.vcsreplicator.message;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The closed set of event kinds of SPEC §3, each with its wire name. */
public enum EventKind {
  HEARTBEAT("heartbeat-1"),
  REPO_INIT_V1("hg-repo-init-1"),
  REPO_INIT_V2("hg-repo-init-2"),
  HGRC_UPDATE("hg-hgrc-update-1"),
  CHANGEGROUP_V1("hg-changegroup-1"),
  CHANGEGROUP_V2("hg-changegroup-2"),
  PUSHKEY("hg-pushkey-1"),
  REPO_SYNC_V1("hg-repo-sync-1"),
  REPO_SYNC_V2("hg-repo-sync-2"),
  HEADS("hg-heads-1"),
  REPO_DELETE("hg-repo-delete-1");

  private static final Map<String, EventKind> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventKind::wireName, Function.identity()));

  private final String wireName;

  EventKind(String wireName) {
    this.wireName = wireName;
  }

  /** The value of the {@code name} field on the wire, e.g. {@code hg-changegroup-2}; never null. */
  public String wireName() {
    return wireName;
  }

  /** The kind with this wire name, or empty for a name this version does not know. */
  public static Optional<EventKind> fromWireName(String name) {
    return Optional.ofNullable(BY_WIRE_NAME.get(name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
