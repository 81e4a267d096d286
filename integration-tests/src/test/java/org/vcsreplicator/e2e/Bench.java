package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.WirePath;

/**
 * The benchmark harness ({@code scripts/bench/run.sh}): not a test, a program that sets up the
 * real parts on this machine (Kafka broker in this JVM, the producer daemon and two mirror
 * consumers each in its own JVM as in production, hg 6.3 with the hooks) and prints one table of
 * medians and ratios measured in one run:
 *
 * <ol>
 *   <li>replication latency: {@code hg push} returns on the client → the new head is visible on
 *       both mirrors; against a bare {@code hg pull -r HEAD} of the same change (a fresh process,
 *       from the master's directory, as the mirrors pull);
 *   <li>no-op throughput of one consumer partition: heartbeats and events of repositories the
 *       mirror's {@code [replicationrules]} filter out, events per second;
 *   <li>producer overhead on a push: the same one-changeset push over ssh to a master repository
 *       with and without the hooks (and the daemon), interleaved;
 *   <li>resident memory of one consumer JVM serving all 8 partitions (and of its hg command server).
 * </ol>
 *
 * Arguments (all optional): {@code --latency-n N} (21), {@code --push-n N} (21),
 * {@code --noop-events N} (3000), {@code --noop-runs N} (3), {@code --dir DIR} (a temporary
 * directory, deleted unless {@code --keep}).
 */
public final class Bench {
  private final Path dir;
  private final PrintStream out = System.out;
  private final List<String[]> rows = new ArrayList<>();

  private Bench(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    int latencyN = Integer.parseInt(opts.getOrDefault("--latency-n", "21"));
    int pushN = Integer.parseInt(opts.getOrDefault("--push-n", "21"));
    int noopEvents = Integer.parseInt(opts.getOrDefault("--noop-events", "3000"));
    int noopRuns = Integer.parseInt(opts.getOrDefault("--noop-runs", "3"));
    Path dir = opts.containsKey("--dir") ? Files.createDirectories(Path.of(opts.get("--dir")))
        : Files.createTempDirectory("vcsreplicator-bench");
    String before = loadAverage();
    Instant started = Instant.now();
    Bench bench = new Bench(dir);
    try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
      bench.run(kafka, latencyN, pushN, noopEvents, noopRuns);
    } finally {
      if (!"true".equals(opts.get("--keep"))) {
        deleteTree(dir);
      }
    }
    bench.print(started, before, loadAverage());
    System.exit(0);
  }

  private void run(EmbeddedKafka kafka, int latencyN, int pushN, int noopEvents, int noopRuns) throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", Deployment.PARTITIONS);
    String pending = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Master master = new Master(dir.resolve("master"), kafka.bootstrapServers(), topic, Deployment.PARTITION_MAP);
    Mirror hgweb1 = new Mirror(dir.resolve("hgweb1"), "hgweb1", kafka.bootstrapServers(), topic, pending, master.root);
    Mirror hgweb2 = new Mirror(dir.resolve("hgweb2"), "hgweb2", kafka.bootstrapServers(), topic, pending, master.root);
    master.startProducer();
    // Production's launcher defaults: no JVM options (VCSREPLICATOR_JAVA_OPTS unset).
    try (JavaProcess c1 = hgweb1.startConsumerProcess(Optional.empty(), List.of());
         JavaProcess c2 = hgweb2.startConsumerProcess(Optional.empty(), List.of("-Xmx128m", "-XX:+UseSerialGC"));
         Client client = new Client(master, dir.resolve("clients"));
         Hg hg = HgFactory.open(HgOptions.defaults("hg").withEnvironment(Map.of("HGRCPATH",
             master.plainHgrc.toString())))) {
      latency(kafka, master, List.of(hgweb1, hgweb2), client, hg, latencyN);
      rows.add(new String[] {"consumer JVM resident memory, all 8 partitions, default JVM options", "1",
          mib(c1.residentKib()), "", "", "VmRSS after the latency runs; its hg command server: "
              + mib(c1.childrenResidentKib())});
      rows.add(new String[] {"consumer JVM resident memory, all 8 partitions, -Xmx128m -XX:+UseSerialGC", "1",
          mib(c2.residentKib()), "", "", "its hg command server: " + mib(c2.childrenResidentKib())});
      // The mirrors would pull each hooked push while the next one runs: stop them, so the
      // overhead measured is the producer's alone and the no-op consumer has the machine.
      c1.close();
      c2.close();
      producerOverhead(master, pushN);
      noop(kafka, hgweb1, noopEvents, noopRuns);
    } finally {
      master.close();
    }
  }

  // ---------------------------------------------------------------- 1. latency

  private void latency(EmbeddedKafka kafka, Master master, List<Mirror> mirrors, Client client, Hg hg, int n)
      throws Exception {
    String repo = "bench/latency";
    master.init(repo);
    client.init(repo);
    Path baseline = dir.resolve("baseline");
    HgProcess.run(master.plainHgrc, dir, "init", baseline.toString()).ok();
    client.commit(repo, "f.txt", "warm-up\n");
    client.push(repo);
    awaitVisible(mirrors, repo, client.hg(repo, "log", "-r", "tip", "-T", "{node}"), hg);
    HgProcess.run(master.plainHgrc, dir, "pull", "-q", "-R", baseline.toString(), master.path(repo).toString()).ok();

    List<Double> replication = new ArrayList<>();
    List<Double> pushes = new ArrayList<>();
    List<Double> endToEnd = new ArrayList<>();
    List<Double> fromLog = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String node = client.commit(repo, "f.txt", "change " + i + "\n");
      Map<Mirror, Stamp> before = new java.util.HashMap<>();
      for (Mirror m : mirrors) {
        before.put(m, Stamp.of(m.path(repo)));
      }
      long t0 = System.nanoTime();
      client.push(repo);
      long t1 = System.nanoTime();
      long t2 = awaitVisible(mirrors, repo, node, before, hg);
      Instant visible = Instant.now().minusNanos(System.nanoTime() - t2);
      pushes.add(ms(t1 - t0));
      replication.add(ms(t2 - t1));
      endToEnd.add(ms(t2 - t0));
      double written = writtenAt(kafka, master.topic, node);
      fromLog.add((visible.getEpochSecond() + visible.getNano() / 1e9 - written) * 1000);
      long b0 = System.nanoTime();
      HgProcess.run(master.plainHgrc, dir, "pull", "-q", "-R", baseline.toString(), "-r", node,
          master.path(repo).toString()).ok();
      bare.add(ms(System.nanoTime() - b0));
    }
    rows.add(row("push of one changeset over ssh, hooks on (client's wall time)", pushes, "ms", ""));
    rows.add(row("replication latency: push returned -> head visible on both mirrors", replication, "ms",
        "mirror consumers in their own JVMs, pulling from the master's directory"));
    rows.add(row("push started -> head visible on both mirrors", endToEnd, "ms",
        "mirrors start pulling once the event is written, before the client's push returns"));
    rows.add(row("changegroup event written to Kafka -> head visible on both mirrors", fromLog, "ms",
        "from the event's _created (stamped by the producer daemon) to the wall clock when seen"));
    rows.add(row("bare `hg pull -r HEAD` of the same change (fresh hg process)", bare, "ms", ""));
    rows.add(new String[] {"ratio: replication latency (push returned) / bare pull", Integer.toString(n),
        String.format(Locale.ROOT, "%.2f", median(replication) / median(bare)), "", "", "medians"});
    rows.add(new String[] {"ratio: event written -> both mirrors / bare pull", Integer.toString(n),
        String.format(Locale.ROOT, "%.2f", median(fromLog) / median(bare)), "", "", "medians"});
  }

  /** The {@code _created} (seconds since the epoch) of the changegroup event whose heads hold {@code node}. */
  private static double writtenAt(EmbeddedKafka kafka, String topic, String node) {
    for (EmbeddedKafka.StoredRecord r : kafka.readAll(topic)) {
      Message m = r.message();
      if (m.event() instanceof ChangegroupV2 cg && cg.heads().contains(NodeId.of(node))) {
        return m.created().orElseThrow();
      }
    }
    throw new IllegalStateException("no changegroup event for " + node);
  }

  /** Size and modification time of a repository's changelog: a change means a transaction added changesets. */
  private record Stamp(long size, FileTime modified) {
    static Stamp of(Path repo) {
      Path changelog = repo.resolve(".hg/store/00changelog.i");
      try {
        return Files.exists(changelog) ? new Stamp(Files.size(changelog), Files.getLastModifiedTime(changelog))
            : new Stamp(-1, FileTime.fromMillis(0));
      } catch (IOException e) {
        return new Stamp(-2, FileTime.fromMillis(0));
      }
    }
  }

  private static long awaitVisible(List<Mirror> mirrors, String repo, String node, Hg hg) {
    Map<Mirror, Stamp> none = new java.util.HashMap<>();
    mirrors.forEach(m -> none.put(m, new Stamp(-3, FileTime.fromMillis(0))));
    return awaitVisible(mirrors, repo, node, none, hg);
  }

  /**
   * Waits until {@code node} is visible on every mirror; returns the {@link System#nanoTime()} at
   * which the last one was seen. Watches the changelog file (a stat, microseconds) and asks hg only
   * when it changed, so the measuring does not compete with the mirrors for the CPU.
   */
  private static long awaitVisible(List<Mirror> mirrors, String repo, String node, Map<Mirror, Stamp> before, Hg hg) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<Mirror> waiting = new ArrayList<>(mirrors);
    Map<Mirror, Stamp> last = new java.util.HashMap<>(before);
    long seen = 0;
    while (!waiting.isEmpty()) {
      for (Mirror m : List.copyOf(waiting)) {
        Stamp now = Stamp.of(m.path(repo));
        if (!now.equals(last.get(m))) {
          last.put(m, now);
          try {
            if (hg.run(m.path(repo), "log", "-r", node, "-T", "x").succeeded()) {
              waiting.remove(m);
              seen = System.nanoTime();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node + " not visible on " + waiting + " within 60 s");
      }
      LockSupport.parkNanos(200_000);
    }
    return seen;
  }

  // ---------------------------------------------------------------- 2. no-op throughput

  private void noop(EmbeddedKafka kafka, Mirror template, int events, int runs) throws Exception {
    List<Double> rates = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      String topic = kafka.createUniqueTopic("noop", 1);
      Path config = dir.resolve("noop-" + run + ".ini");
      String group = "bench-noop-" + run;
      Files.writeString(config, Files.readString(template.consumerConfig)
          .replaceAll("(?m)^topic = .*$", "topic = " + topic)
          .replaceAll("(?m)^group = .*$", "group = " + group)
          + "\n[replicationrules]\ninclude.all = re:\\{moz\\}/.*\nexclude.scratch = re:\\{moz\\}/scratch/.*\n");
      fill(kafka, topic, events);
      try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig("bench-noop"), Duration.ofSeconds(10),
          Clock.systemUTC());
           JavaProcess consumer = JavaProcess.start("noop-consumer", JavaProcess.logFile("noop-consumer"), List.of(),
               "consume", config.toString(), "--partition", "0")) {
        long firstAt = 0;
        long firstOffset = -1;
        long lastAt;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
          long offset = admin.committedOffsets(group, topic).getOrDefault(0, 0L);
          long now = System.nanoTime();
          if (firstOffset < 0 && offset > 0) {
            firstOffset = offset;
            firstAt = now;
          }
          if (offset >= events) {
            lastAt = now;
            break;
          }
          if (now > deadline || !consumer.isAlive()) {
            throw new IllegalStateException("no-op consumer did not finish: offset " + offset + "\n" + consumer.logText());
          }
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        rates.add((events - firstOffset) / ((lastAt - firstAt) / 1e9));
      }
    }
    rows.add(row("no-op throughput of one consumer partition (" + events + " events: heartbeats, filtered "
        + "changegroups and pushkeys)", rates, "events/s", runs + " runs; timed from the first commit to the last"));
  }

  /** Writes {@code n} no-op events to partition 0: heartbeats and events of a filtered repository. */
  private static void fill(EmbeddedKafka kafka, String topic, int n) throws Exception {
    Map<String, Object> props = kafka.clientConfig("bench-fill").toClientProperties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      WirePath filtered = WirePath.of("{moz}/scratch/repo");
      NodeId node = NodeId.of("0123456789abcdef0123456789abcdef01234567");
      for (int i = 0; i < n; i++) {
        Event e = switch (i % 3) {
          case 0 -> new Heartbeat();
          case 1 -> new ChangegroupV2(filtered, "serve", 1, List.of(node));
          default -> new Pushkey(filtered, "phases", node.hex(), "1", "0", 0);
        };
        Message m = new Message(e, OptionalDouble.of(System.currentTimeMillis() / 1000.0), Collections.emptySortedMap());
        producer.send(new ProducerRecord<>(topic, 0, null, WireCodec.encode(m)));
      }
      producer.flush();
    }
  }

  // ---------------------------------------------------------------- 3. producer overhead

  private void producerOverhead(Master master, int n) throws Exception {
    Path plainSsh = Master.executable(dir.resolve("fakessh-plain"),
        "#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nHGRCPATH='" + master.plainHgrc + "' exec sh -c \"$1\"\n");
    Path hooked = master.init("bench/hooked");
    Path plain = master.initUnreplicated("bench/plain");
    Path hookedClient = dir.resolve("push-hooked");
    Path plainClient = dir.resolve("push-plain");
    HgProcess.run(master.clientHgrc, dir, "init", hookedClient.toString()).ok();
    HgProcess.run(master.clientHgrc, dir, "init", plainClient.toString()).ok();
    List<Double> withHooks = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    for (int i = -1; i < n; i++) {
      // Interleaved, so background load hits both alike; round -1 warms both up.
      double h = timedPush(master.clientHgrc, null, hookedClient, hooked, i);
      double p = timedPush(master.clientHgrc, plainSsh, plainClient, plain, i);
      if (i >= 0) {
        withHooks.add(h);
        without.add(p);
      }
    }
    rows.add(row("push without the hooks (fresh `hg push` over ssh, one changeset)", without, "ms", ""));
    rows.add(row("push with the hooks and the producer daemon (acks=all)", withHooks, "ms", ""));
    double added = median(withHooks) - median(without);
    rows.add(new String[] {"producer overhead per push", Integer.toString(n),
        String.format(Locale.ROOT, "%+.0f ms", added), "", "",
        String.format(Locale.ROOT, "ratio %.2f (medians)", median(withHooks) / median(without))});
  }

  private double timedPush(Path clientHgrc, Path ssh, Path client, Path masterRepo, int i) throws IOException {
    Files.writeString(client.resolve("f.txt"), "push " + i + "\n");
    HgProcess.run(clientHgrc, client, "commit", "-q", "-A", "-m", "bench " + i).ok();
    List<String> args = new ArrayList<>(List.of("push", "-q"));
    if (ssh != null) {
      args.addAll(List.of("--config", "ui.ssh=" + ssh));
    }
    args.add("ssh://localhost/" + masterRepo);
    long t0 = System.nanoTime();
    HgProcess.run(clientHgrc, client, Map.of(), args).ok();
    return ms(System.nanoTime() - t0);
  }

  // ---------------------------------------------------------------- table

  private void print(Instant started, String loadBefore, String loadAfter) {
    out.println();
    out.println("vcsreplicator benchmark, " + started);
    out.println("machine: " + machine());
    out.println("load average before: " + loadBefore + "; after: " + loadAfter);
    out.println();
    out.println("| measurement | n | median | min | max | note |");
    out.println("|---|---|---|---|---|---|");
    for (String[] r : rows) {
      out.println("| " + String.join(" | ", r) + " |");
    }
    out.flush();
  }

  private static String[] row(String what, List<Double> values, String unit, String note) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    String fmt = unit.equals("ms") ? "%.0f " + unit : "%.0f " + unit;
    return new String[] {what, Integer.toString(values.size()), String.format(Locale.ROOT, fmt, median(values)),
        String.format(Locale.ROOT, fmt, sorted.get(0)), String.format(Locale.ROOT, fmt, sorted.get(sorted.size() - 1)),
        note};
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String machine() {
    String cpu = "?";
    int cores = Runtime.getRuntime().availableProcessors();
    String mem = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
      mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> String.format(Locale.ROOT, "%.0f GiB RAM",
              Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)).orElse("?");
    } catch (IOException e) {
      // leave "?"
    }
    String hg = HgProcess.run(Path.of("/dev/null"), Path.of("/"), "--version", "-q").out().strip();
    return cpu + ", " + cores + " cores, " + mem + "; Java " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vm.name") + "); " + hg + "; Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
        + " broker in the benchmark's JVM";
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
