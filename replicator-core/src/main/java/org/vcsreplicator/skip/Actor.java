package org.vcsreplicator.skip;

import java.util.Objects;

/**
 * Who performed an operator act: the host it ran on and the person.
 *
 * @param host the host name, never blank
 * @param user the operator's account name, never blank
 */
public record Actor(String host, String user) {
  public Actor {
    requireText(host, "host");
    requireText(user, "user");
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }
}
