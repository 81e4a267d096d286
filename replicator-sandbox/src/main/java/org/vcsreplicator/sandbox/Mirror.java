package org.vcsreplicator.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.MirrorConsumer;

/**
 * One mirror: a repository root, its mirror consumer (group {@code NAME}) applying {@code
 * pushdata} through hg, pulling from the master's hg serve, and its heads consumer (group {@code
 * NAME-heads}) writing {@code .hg/replicated-data} from {@code replicatedpushdatapending}. Both
 * run in this JVM from their own INI files, exactly as {@code bin/vcsreplicator consume} and
 * {@code heads-consume} would read them.
 *
 * <p>Not thread-safe; set up by the sandbox's main thread, which also stops the loops it starts.
 */
final class Mirror {
  private final String name;
  private final Path dir;
  private final Path repos;

  private Mirror(String name, Path dir, Path repos) {
    this.name = name;
    this.dir = dir;
    this.repos = repos;
  }

  /** Writes the mirror's configs; starts nothing yet. */
  static Mirror create(String name, Path dir, String bootstrapServers, Master master, String topic,
      String headsTopic) throws Exception {
    Path repos = Files.createDirectories(dir.resolve("repos"));
    Mirror m = new Mirror(name, dir, repos);
    Files.writeString(m.consumerConfig(), m.ini("consumer", bootstrapServers, topic, name, master),
        StandardCharsets.UTF_8);
    Files.writeString(m.headsConsumerConfig(), m.ini("heads consumer", bootstrapServers, headsTopic,
        m.headsGroup(), master), StandardCharsets.UTF_8);
    return m;
  }

  private String ini(String what, String bootstrapServers, String topic, String group, Master master) {
    return String.join("\n",
        "# " + name + "'s " + what + " (the original's vcsreplicator.ini layout).",
        "[consumer]",
        "hosts = " + bootstrapServers,
        "client_id = " + group,
        "topic = " + topic,
        "group = " + group,
        "poll_timeout = 0.1",
        "todelete_path = " + dir.resolve("todelete"),
        "retry_max_retries = 3",
        "retry_base_delay = 0.5",
        "",
        "# Wire path {moz}/x is the local repository " + repos + "/x ...",
        "[path_rewrites]",
        Master.WIRE_PREFIX + " = " + repos,
        "",
        "# ... and is pulled from the master's hg serve.",
        "[pull_url_rewrites]",
        Master.WIRE_PREFIX + " = " + master.baseUrl(),
        "",
        "[programs]",
        "hg = hg",
        "");
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  /** The mirror's repository root. */
  Path repos() {
    return repos;
  }

  /** The mirror consumer's group (listed in the first aggregator's groups file). */
  String group() {
    return name;
  }

  /** The heads consumer's group (listed in the second aggregator's groups file). */
  String headsGroup() {
    return name + "-heads";
  }

  Path consumerConfig() {
    return dir.resolve("consumer.ini");
  }

  Path headsConsumerConfig() {
    return dir.resolve("headsconsumer.ini");
  }

  /** Starts the mirror consumer on its own thread. */
  Daemon startConsumer(Progress progress) {
    ConsumerSettings settings = ConsumerSettings.from(IniFile.load(consumerConfig()));
    ConsumeSession session = ConsumeSession.open(settings, consumerConfig().toString());
    return Daemon.start(name + "-consumer", () -> run(session), session::stop, progress);
  }

  /** Starts the heads consumer on its own thread. */
  Daemon startHeadsConsumer(Progress progress) {
    ConsumerSettings settings = ConsumerSettings.from(IniFile.load(headsConsumerConfig()));
    ConsumeSession session = ConsumeSession.openHeads(settings, headsConsumerConfig().toString());
    return Daemon.start(name + "-heads", () -> run(session), session::stop, progress);
  }

  private static String run(ConsumeSession session) throws Exception {
    try (session) {
      MirrorConsumer.Result r = session.consume(MirrorConsumer.Options.continuous(Optional.empty()));
      return r == MirrorConsumer.Result.FAILED ? "failed at an event it cannot apply" : r.toString().toLowerCase();
    }
  }
}
