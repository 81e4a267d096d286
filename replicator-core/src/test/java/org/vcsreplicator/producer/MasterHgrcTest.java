package org.vcsreplicator.producer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MasterHgrcTest {
  private static final Path MODULE = Path.of("/opt/vcsreplicator/hghooks/vcsreplicator_hghook.py");

  @Test
  void installsTheExtensionBesideTheModuleAndAllFiveHooks() {
    String hgrc = MasterHgrc.snippet("/run/producer.sock", MODULE, Optional.empty());
    assertTrue(hgrc.contains("[extensions]\nvcsreplicator = /opt/vcsreplicator/hghooks/vcsreplicator_hgext.py\n"), hgrc);
    assertTrue(hgrc.contains("[replicationproducer]\nsocket = /run/producer.sock\n"), hgrc);
    assertTrue(hgrc.contains("# unfiltereduser = vcsreplicator\n"), hgrc);
    for (String hook : new String[] {"precommit", "pretxnopen", "pretxnclose", "pre-init", "post-init"}) {
      assertTrue(hgrc.contains(hook + ".vcsreplicator = python:" + MODULE + ":" + hook.replace("-", "") + "\n"), hgrc);
    }
  }

  @Test
  void namesTheUnfilteredUserWhenGiven() {
    String hgrc = MasterHgrc.snippet("/s", MODULE, Optional.of("vcsreplicator"));
    assertTrue(hgrc.contains("[replication]\n"), hgrc);
    assertTrue(hgrc.contains("\nunfiltereduser = vcsreplicator\n"), hgrc);
  }
}
