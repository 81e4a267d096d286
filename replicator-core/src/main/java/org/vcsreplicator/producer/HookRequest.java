package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One hook call from hg on the master, as the hook module sends it. Closed family: one record
 * per point of a repository's life the producer cares about.
 */
public sealed interface HookRequest {

  /** {@code pretxnopen}: a transaction is about to open on the repository at {@code root}. */
  record TxnOpen(Path root, String txnId) implements HookRequest {
    public TxnOpen {
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(txnId, "txnId");
    }
  }

  /** {@code pretxnclose}: the transaction is about to commit; refusing rolls it back. */
  record TxnClose(Path root, String txnId) implements HookRequest {
    public TxnClose {
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(txnId, "txnId");
    }
  }

  /**
   * The transaction has committed (sent from inside hg's transaction close, before the lock is
   * released, so calls for one repository arrive in commit order): write its events.
   */
  record Publish(Path root, String txnId, TransactionChanges changes) implements HookRequest {
    public Publish {
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(txnId, "txnId");
      Objects.requireNonNull(changes, "changes");
    }
  }

  /** {@code pre-init}: {@code hg init} is about to create a repository at {@code path}. */
  record InitCheck(Path path) implements HookRequest {
    public InitCheck {
      Objects.requireNonNull(path, "path");
    }
  }

  /** {@code post-init}: {@code hg init} created a repository at {@code path}. */
  record InitDone(Path path, List<String> requirements) implements HookRequest {
    public InitDone {
      Objects.requireNonNull(path, "path");
      requirements = List.copyOf(requirements);
    }
  }
}
