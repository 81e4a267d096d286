package org.vcsreplicator.producer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The daemon's answer to one hook call: whether hg may go on, and what to tell the user.
 *
 * @param ok false refuses the hook (for {@code pretxn*} hooks: hg rolls the transaction back)
 * @param status lines for hg's normal output (a pushing user sees them as {@code remote: …})
 * @param warnings lines for hg's error output
 * @param abort when present, the hook aborts the command with this message and hint (the shape
 *     of {@code abort: MESSAGE} / {@code (HINT)})
 */
public record HookReply(boolean ok, List<String> status, List<String> warnings, Optional<Abort> abort) {

  public HookReply {
    status = List.copyOf(status);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(abort, "abort");
  }

  /** hg's {@code abort: MESSAGE} with an optional {@code (HINT)} line. */
  public record Abort(String message, Optional<String> hint) {
    public Abort {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hint, "hint");
    }
  }

  public static HookReply allow(List<String> status) {
    return new HookReply(true, status, List.of(), Optional.empty());
  }

  public static HookReply allow(String... status) {
    return allow(List.of(status));
  }

  /** Refuses with warning lines ({@code pretxnopen.vcsreplicator hook failed} follows them). */
  public static HookReply refuse(List<String> status, List<String> warnings) {
    return new HookReply(false, status, warnings, Optional.empty());
  }

  public static HookReply refuse(String... warnings) {
    return refuse(List.of(), List.of(warnings));
  }

  public static HookReply abort(String message, String hint) {
    return new HookReply(false, List.of(), List.of(), Optional.of(new Abort(message, Optional.ofNullable(hint))));
  }
}
