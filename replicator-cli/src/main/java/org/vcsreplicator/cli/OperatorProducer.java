package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.ProcessHg;
import org.vcsreplicator.hg.PushlogReader;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationCommands;
import org.vcsreplicator.producer.ReplicationCommands.CommandException;

/**
 * What the operator commands on the master share: read the producer config, open a producer,
 * run one {@link ReplicationCommands} action, print hg-style {@code abort:} lines on failure.
 * Exit codes are hg's: 0 success, 255 abort.
 */
final class OperatorProducer {
  static final int ABORT = 255;

  private OperatorProducer() {}

  interface Action {
    void run(ReplicationCommands commands) throws CommandException;
  }

  static int run(Path config, PrintWriter err, Action action) {
    ProducerSettings settings;
    try {
      settings = ProducerSettings.from(IniFile.load(config));
    } catch (ConfigException e) {
      err.println("abort: " + e.getMessage());
      err.flush();
      return ABORT;
    }
    try (EventProducer producer = new EventProducer(KafkaClientConfig.from(settings.kafka()), settings.ackTimeout(), Clock.systemUTC());
        ProcessHg hg = new ProcessHg(HgOptions.defaults("hg"))) {
      action.run(new ReplicationCommands(RepoRouter.from(settings), new EventProducerLog(producer, settings.topic()), hg,
          PushlogReader.sqlite()));
      return 0;
    } catch (CommandException e) {
      err.println("abort: " + e.getMessage());
      e.hint().ifPresent(h -> err.println("(" + h + ")"));
      err.flush();
      return ABORT;
    }
  }

  /** The root of the repository containing {@code dir} (hg's {@code -R} lookup), else {@code dir}. */
  static Path repoRoot(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    for (Path p = abs; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(".hg"))) {
        return p;
      }
    }
    return abs;
  }
}
