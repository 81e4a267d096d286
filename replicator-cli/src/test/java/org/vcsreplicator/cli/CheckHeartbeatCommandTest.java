package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.kafka.EventProducer.HeartbeatResult;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.offsets.CheckReport;

/** The report of {@code check-heartbeat} for given outcomes (the original's lines). */
class CheckHeartbeatCommandTest {

  @Test
  void allPartitionsWrittenIsOk() {
    CheckReport r = CheckHeartbeatCommand.report(List.of(written(0), written(1), written(2)));
    assertEquals(0, r.exitCode());
    assertEquals(List.of("OK - heartbeat message sent to 3/3 partitions successfully"), r.lines());
  }

  @Test
  void anyFailedPartitionIsCriticalAndNamedFirst() {
    CheckReport r = CheckHeartbeatCommand.report(List.of(written(0), failed(1, "NOT_ENOUGH_REPLICAS: too few"),
        written(2)));
    assertEquals(2, r.exitCode());
    assertEquals("CRITICAL - error writing to partition 1: NOT_ENOUGH_REPLICAS: too few", r.lines().get(0));
    assertEquals(List.of("", "heartbeat message sent to 2/3 partitions successfully", ""), r.lines().subList(1, 4));
    assertEquals(CheckHeartbeatCommand.FOOTER, r.lines().subList(4, r.lines().size()));
  }

  private static HeartbeatResult written(int partition) {
    return new HeartbeatResult(partition, Optional.empty());
  }

  private static HeartbeatResult failed(int partition, String why) {
    return new HeartbeatResult(partition, Optional.of(new ReplicationLogUnavailableException(
        "cannot write heartbeat-1 to topic=pushdata partition=" + partition + ": " + why)));
  }
}
