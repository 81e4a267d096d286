package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalLong;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.MirrorConsumer;
import org.vcsreplicator.kafka.EmbeddedKafka;

/**
 * A mirror of a {@link ProducerSandbox} master: the real mirror consumer ({@link ConsumeSession},
 * what {@code consume CONFIG} runs) applying the master's topic with the real hg, pulling over
 * hg's ssh protocol as {@code ssh://vcsreplicator@localhost/…}, the master's replication user.
 * Not thread-safe.
 */
final class MirrorSandbox {
  final Path root;
  final Path config;
  final Path hgrc;

  /**
   * @param name directory and consumer group of this mirror
   * @param pullUser the login the mirror pulls as ({@link ProducerSandbox#REPLICATION_USER} or another)
   */
  MirrorSandbox(EmbeddedKafka kafka, ProducerSandbox master, String name, String pullUser) throws Exception {
    root = Files.createDirectories(master.tmp.resolve(name));
    hgrc = master.tmp.resolve(name + ".hgrc");
    Files.writeString(hgrc, "[ui]\nssh = " + master.fakeSsh + "\n[experimental]\nevolution = true\n");
    Path hg = master.tmp.resolve(name + "-hg");
    Files.writeString(hg, "#!/bin/sh\nHGRCPATH='" + hgrc + "' exec /usr/bin/hg \"$@\"\n");
    Files.setPosixFilePermissions(hg, PosixFilePermissions.fromString("rwxr-xr-x"));
    config = master.tmp.resolve(name + ".ini");
    Files.writeString(config, String.join("\n",
        "[consumer]",
        "hosts = " + kafka.bootstrapServers(),
        "client_id = " + name,
        "topic = " + master.topic,
        "group = " + name,
        "poll_timeout = 0.5",
        "retry_max_retries = 0",
        "",
        "[path_rewrites]",
        "{moz} = " + root,
        "",
        "[pull_url_rewrites]",
        "{moz} = ssh://" + pullUser + "@localhost/" + master.root,
        "",
        "[programs]",
        "hg = " + hg,
        ""));
  }

  /** Applies every pending event of partition 2, as {@code consume --onetime} would one by one. */
  void catchUp() {
    ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config));
    try (ConsumeSession session = ConsumeSession.open(settings, config.toString())) {
      MirrorConsumer.Options once = new MirrorConsumer.Options(Optional.of(2), OptionalLong.empty(), true,
          settings.pollTimeout());
      for (int applied = 0; ; applied++) {
        MirrorConsumer.Result result = session.consume(once);
        assertNotEquals(MirrorConsumer.Result.FAILED, result, "the mirror consumer stopped at an event (see the log)");
        if (result == MirrorConsumer.Result.NOTHING_PENDING) {
          return;
        }
        assertTrue(applied < 1000, "endless catch-up");
      }
    } catch (org.vcsreplicator.hg.HgUnavailableException e) {
      throw new AssertionError(e);
    }
  }

  Path repo(String name) {
    return root.resolve(name);
  }
}
