package org.vcsreplicator.bootstrap;

import java.util.List;

/** Reads the records of one partition's bootstrap window from the replication topic. */
public interface ReplicationLogWindow {

  /**
   * The partitions of the replication topic.
   *
   * @return ascending, never null
   * @throws BootstrapException when the topic does not exist or Kafka does not answer
   */
  List<Integer> partitions() throws BootstrapException;

  /**
   * Every record of {@code partition} with an offset in {@code [window.start(), window.end())}.
   *
   * @return by offset, never null
   * @throws BootstrapException when the window is not (or no longer) in the log, or its records
   *     do not arrive in time
   */
  List<WindowRecord> read(int partition, OffsetWindow window) throws BootstrapException;
}
