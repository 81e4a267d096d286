package org.vcsreplicator.producer;

import java.util.ArrayList;
import java.util.List;
import org.vcsreplicator.message.Event;

/** Records every write; fails every write while {@link #down} is set. */
final class FakeReplicationLog implements ReplicationLog {
  record Written(int partition, Event event) {}

  final List<Written> written = new ArrayList<>();
  volatile boolean down;

  @Override
  public synchronized void write(int partition, Event event) throws ReplicationLogException {
    if (down) {
      throw new ReplicationLogException("broker unreachable (fake)");
    }
    written.add(new Written(partition, event));
  }
}
