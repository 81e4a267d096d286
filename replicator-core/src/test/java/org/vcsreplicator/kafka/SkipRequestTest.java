package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SkipRequestTest {
  private static SkipRequest at(long offset) {
    return new SkipRequest(OptionalLong.of(offset), Optional.empty());
  }

  @Test
  void withoutOffsetAnyNextEventIsSkipped() {
    assertDoesNotThrow(() -> SkipRequest.next().check(6, 41));
  }

  @Test
  void theNamedOffsetPasses() {
    assertDoesNotThrow(() -> at(41).check(6, 41));
  }

  @Test
  void anOffsetAlreadyAcknowledgedIsRefused() {
    SkipRefusedException e = assertThrows(SkipRefusedException.class, () -> at(40).check(6, 41));
    assertEquals("refusing to skip: the next event of partition 6 is at offset 41, not 40 (offset 40 is already "
        + "acknowledged); nothing skipped, nothing recorded", e.getMessage());
  }

  @Test
  void anOffsetFurtherOnIsRefused() {
    SkipRefusedException e = assertThrows(SkipRefusedException.class, () -> at(42).check(6, 41));
    assertEquals("refusing to skip: the next event of partition 6 is at offset 41, not 42; nothing skipped, "
        + "nothing recorded", e.getMessage());
  }

  @Test
  void negativeOffsetIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> at(-1));
  }
}
