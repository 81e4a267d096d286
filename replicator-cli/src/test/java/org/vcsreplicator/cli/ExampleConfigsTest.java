package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.routing.FilterDecision;
import picocli.CommandLine;

/**
 * The example configurations and systemd units shipped in the distribution archive ({@code
 * examples/} of the source tree) load with the readers the daemons use, and fit together: the
 * topics chain from the producer through the mirrors and both aggregators to the notifier, and
 * every unit starts a daemon on an example file that daemon can read. A renamed key or section
 * breaks this test instead of an installation.
 *
 * <p>The archive itself is tested by {@code InstalledArchiveIT} in the distribution module.
 */
class ExampleConfigsTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  /** Retry overrides come from the environment in production; the examples must stand alone. */
  private static final Map<String, String> NO_ENV = Map.of();
  private static final String LAUNCHER = "/opt/vcsreplicator-java/bin/vcsreplicator";
  private static final String CONFIG_DIR = "/etc/mercurial/";

  private static IniFile load(String relative) {
    return IniFile.load(EXAMPLES.resolve(relative));
  }

  private static ConsumerSettings mirrorConsumer() {
    return ConsumerSettings.from(load("mirror/vcsreplicator.ini"), "consumer", NO_ENV);
  }

  private static ConsumerSettings headsConsumer() {
    return ConsumerSettings.from(load("mirror/vcsreplicator-pending.ini"), "consumer", NO_ENV);
  }

  private static AggregatorSettings pendingAggregator() {
    return AggregatorSettings.from(load("master/pushdataaggregator-pending.ini"));
  }

  private static AggregatorSettings finalAggregator() {
    return AggregatorSettings.from(load("master/pushdataaggregator.ini"));
  }

  private static NotifierSettings notifier() {
    return NotifierSettings.from(load("master/notifications.ini"), "pulseconsumer", NO_ENV);
  }

  private static ProducerSettings producer() {
    return ProducerSettings.from(load("master/vcsreplicator-producer.ini"));
  }

  @Test
  void mirrorConsumerConfigRoutesReposAsDocumented() {
    ConsumerSettings s = mirrorConsumer();
    assertEquals("pushdata", s.topic());
    assertEquals("hgweb1", s.group());
    assertEquals("/usr/bin/hg", s.hgPath());
    assertEquals(Duration.ofSeconds(2), s.pollTimeout());
    assertEquals(List.of("kafka1.example.com:9092", "kafka2.example.com:9092", "kafka3.example.com:9092"),
        s.kafka().bootstrapServers());
    assertEquals(Optional.of("/repo/hg/mozilla/mozilla-central"), s.pathRewrites().localPathFor("{moz}/mozilla-central"));
    assertEquals(Optional.of("ssh://hg.example.com/mozilla-central"), s.pullUrlRewrites().urlFor("{moz}/mozilla-central"));
    assertEquals(new FilterDecision(true, "all"), s.replicationRules().decide("{moz}/mozilla-central"));
    assertEquals(new FilterDecision(false, "users"), s.replicationRules().decide("{moz}/users/a_example.com/x"));
  }

  @Test
  void headsConsumerConfigFiltersLikeTheMirrorConsumer() {
    ConsumerSettings heads = headsConsumer();
    ConsumerSettings mirror = mirrorConsumer();
    assertEquals(mirror.group(), heads.group());
    assertEquals(mirror.pathRewrites(), heads.pathRewrites());
    assertEquals(mirror.replicationRules(), heads.replicationRules());
  }

  @Test
  void producerConfigMapsPathsAndPartitionsAsDocumented() {
    ProducerSettings s = producer();
    assertEquals(-1, s.requiredAcks());
    assertEquals(Duration.ofSeconds(10), s.ackTimeout());
    assertEquals(Optional.of("{moz}/mozilla-central"), s.pathRewrites().wirePathFor("/repo/hg/mozilla/mozilla-central"));
    assertEquals(OptionalInt.of(4), s.partitionMap().partitionFor("{moz}/try"));
    assertTrue(Set.of(5, 6, 7).contains(s.partitionMap().partitionFor("{moz}/users/a_example.com/x").getAsInt()));
    assertTrue(Set.of(0, 1, 2, 3).contains(s.partitionMap().partitionFor("{moz}/mozilla-central").getAsInt()));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), s.partitionMap().allPartitions());
  }

  @Test
  void notifierConfigNotifiesPublicReposOnly() {
    NotifierSettings s = notifier();
    assertEquals("pulsenotifier", s.consumer().group());
    assertEquals(Optional.of("https://hg.example.com/mozilla-central"), s.publicUrlRewrites().urlFor("{moz}/mozilla-central"));
    assertTrue(s.ignorePaths().isIgnored("{moz}/private/secret"));
    assertFalse(s.ignorePaths().isIgnored("{moz}/mozilla-central"));
    assertEquals(5671, s.pulse().port());
    assertTrue(s.pulse().ssl());
    assertEquals("https://hg.example.com/", s.pulse().routingKeyStripPrefix());
  }

  @Test
  void topicsChainFromProducerThroughMirrorsAndAggregatorsToNotifier() {
    String pushdata = producer().topic();
    assertEquals(pushdata, mirrorConsumer().topic(), "mirrors read what the producer writes");
    assertEquals(pushdata, pendingAggregator().monitorTopic(), "stage 1 watches the mirrors' topic");
    assertEquals(pendingAggregator().aggregateTopic(), headsConsumer().topic(), "heads consumers read stage 1's copies");
    assertEquals(pendingAggregator().aggregateTopic(), finalAggregator().monitorTopic(), "stage 2 watches the heads consumers' topic");
    assertEquals(finalAggregator().aggregateTopic(), notifier().consumer().topic(), "the notifier reads stage 2's copies");
    assertEquals(Set.of("pushdata", "replicatedpushdatapending", "replicatedpushdata"),
        Set.of(pushdata, headsConsumer().topic(), notifier().consumer().topic()));
  }

  @Test
  void aggregatorsWaitForTheExampleMirrorsGroups() throws IOException {
    assertEquals(pendingAggregator().monitorGroupsFile(), finalAggregator().monitorGroupsFile());
    assertEquals(Path.of("/repo/hg/pushdataaggregator_groups"), pendingAggregator().monitorGroupsFile());
    List<String> groups = Files.readAllLines(EXAMPLES.resolve("master/pushdataaggregator_groups")).stream()
        .map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    assertTrue(groups.contains(mirrorConsumer().group()), groups.toString());
    assertFalse(groups.contains(pendingAggregator().ackGroup()), "the aggregator must not wait for itself");
  }

  @Test
  void everyExampleFileIsCoveredHere() throws IOException {
    assertEquals(
        Set.of("master/vcsreplicator-producer.ini", "master/pushdataaggregator-pending.ini",
            "master/pushdataaggregator.ini", "master/pushdataaggregator_groups", "master/notifications.ini",
            "mirror/vcsreplicator.ini", "mirror/vcsreplicator-pending.ini"),
        filesUnder("master", "mirror"));
    assertEquals(
        Set.of("systemd/vcsreplicator.service", "systemd/vcsreplicator@.service", "systemd/vcsreplicator-heads.service",
            "systemd/pushdataaggregator-pending.service", "systemd/pushdataaggregator.service",
            "systemd/pulsenotifier.service", "systemd/vcsreplicator-producer.service"),
        filesUnder("systemd"));
  }

  private static Set<String> filesUnder(String... dirs) throws IOException {
    Set<String> out = new java.util.TreeSet<>();
    for (String dir : dirs) {
      try (Stream<Path> files = Files.list(EXAMPLES.resolve(dir))) {
        files.forEach(f -> out.add(dir + "/" + f.getFileName()));
      }
    }
    return out;
  }

  static Stream<Path> units() throws IOException {
    return Files.list(EXAMPLES.resolve("systemd")).sorted();
  }

  /** Which example directory and reader each daemon of a unit uses. */
  private static final Map<String, Map.Entry<String, Consumer<IniFile>>> DAEMONS = Map.of(
      "consume", Map.entry("mirror", ini -> ConsumerSettings.from(ini, "consumer", NO_ENV)),
      "heads-consume", Map.entry("mirror", ini -> ConsumerSettings.from(ini, "consumer", NO_ENV)),
      "aggregate", Map.entry("master", AggregatorSettings::from),
      "pulse-notify", Map.entry("master", ini -> NotifierSettings.from(ini, "pulseconsumer", NO_ENV)),
      "producer-daemon", Map.entry("master", ProducerSettings::from));

  /**
   * Daemon subcommands other branches are still adding; until they are registered in {@link
   * Main} their units are checked for config only. TODO #10: drop once they are merged.
   */
  private static final Set<String> NOT_YET_REGISTERED = Set.of("heads-consume");

  @ParameterizedTest(name = "{0}")
  @MethodSource("units")
  void unitStartsADaemonOnAnExampleConfigItCanRead(Path unit) throws IOException {
    List<String> execStart = Files.readAllLines(unit).stream()
        .filter(l -> l.startsWith("ExecStart=")).collect(Collectors.toList());
    assertEquals(1, execStart.size(), "one ExecStart in " + unit);
    List<String> words = List.of(execStart.get(0).substring("ExecStart=".length()).split(" "));
    assertEquals(LAUNCHER, words.get(0));
    Map.Entry<String, Consumer<IniFile>> daemon = DAEMONS.get(words.get(1));
    assertTrue(daemon != null, "not a daemon subcommand: " + words.get(1));
    assertTrue(words.get(2).startsWith(CONFIG_DIR), words.get(2));
    Path example = EXAMPLES.resolve(daemon.getKey()).resolve(words.get(2).substring(CONFIG_DIR.length()));
    assertTrue(Files.isRegularFile(example), "no example for " + words.get(2) + ": " + example);
    daemon.getValue().accept(IniFile.load(example));

    boolean template = unit.getFileName().toString().endsWith("@.service");
    assertEquals(template ? List.of("--partition", "%i") : List.of(), words.subList(3, words.size()));
    CommandLine cli = Main.commandLine();
    if (cli.getSubcommands().containsKey(words.get(1))) {
      // The arguments as systemd passes them (%i is the instance, e.g. vcsreplicator@3).
      String[] args = words.subList(1, words.size()).stream().map(w -> w.replace("%i", "3")).toArray(String[]::new);
      cli.parseArgs(args);
    } else {
      assertTrue(NOT_YET_REGISTERED.contains(words.get(1)), "no such subcommand: " + words.get(1));
    }
    assertTrue(Files.readString(unit).contains("\nRestart=always\n"), "daemons exit on fatal errors: restart them");
  }
}
