package org.vcsreplicator.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;

/**
 * The scripted part of a sandbox run: creates repository {@code demo} on the master (the
 * producer hooks log its creation), clones it into {@code work/demo}, pushes two changesets then
 * one more over HTTP as any user would, and waits until everything the running parts should
 * produce has been seen: both mirrors at the master's heads, their heads files, the events on
 * the aggregated topics, and the notification on the Pulse exchange.
 *
 * <p>Not thread-safe; run once by the sandbox's main thread.
 */
final class Demo {
  static final String REPO = "demo";
  private static final String USER = "sandbox user <user@sandbox.invalid>";

  /** One expectation and whether it was met. */
  record Check(String what, boolean seen) {}

  private final Master master;
  private final List<Mirror> mirrors;
  private final Observations observations;
  private final Progress progress;
  private final Hg hg;
  private final Path work;
  private final String pendingTopic;
  private final String finalTopic;

  Demo(Master master, List<Mirror> mirrors, Observations observations, Progress progress, Hg hg, Path work,
      String pendingTopic, String finalTopic) {
    this.master = master;
    this.mirrors = List.copyOf(mirrors);
    this.observations = observations;
    this.progress = progress;
    this.hg = hg;
    this.work = work;
    this.pendingTopic = pendingTopic;
    this.finalTopic = finalTopic;
  }

  /** The working clone the demo pushes from; the user can push more from it. */
  Path workingClone() {
    return work.resolve(REPO);
  }

  String url() {
    return master.baseUrl() + "/" + REPO;
  }

  /**
   * Creates, pushes and waits.
   *
   * @return one entry per expectation, in order
   */
  List<Check> run(Duration timeout) throws IOException, HgUnavailableException,
      InterruptedException {
    Path masterRepo = master.repos().resolve(REPO);
    progress.say("demo", "hg init " + masterRepo + "   (as the master: its hgrc has the producer hooks)");
    show(require(hg.run(null, List.of("init", masterRepo.toString()), master.hgEnvironment())));

    Files.createDirectories(work);
    progress.say("demo", "hg clone " + url() + " " + workingClone());
    require(hg.run(null, List.of("clone", "-q", url(), workingClone().toString()), Map.of()));
    Files.writeString(workingClone().resolve(".hg").resolve("hgrc"),
        "[paths]\ndefault = " + url() + "\n\n[ui]\nusername = " + USER + "\n", StandardCharsets.UTF_8);

    commit("README", "A repository replicated by the vcsreplicator sandbox.\n", "Add a README");
    commit("hello.txt", "hello\n", "Say hello");
    push();
    commit("hello.txt", "hello\nhello again\n", "Say hello again");
    push();

    Set<NodeId> heads = masterHeads(masterRepo);
    WirePath path = WirePath.of(Master.wirePath(REPO));
    progress.say("demo", "master heads of " + path + ": " + Convergence.shortList(List.copyOf(heads))
        + "; waiting for the replication (at most " + timeout.toSeconds() + " s)");

    List<Check> checks = new ArrayList<>();
    for (Mirror m : mirrors) {
      checks.add(new Check(m.name() + " has the master's heads",
          wait(o -> o.mirrorHeads(m.name(), path).map(heads::equals).orElse(false), timeout)));
    }
    checks.add(new Check("the push copied to " + pendingTopic + " (both mirrors applied it)",
        wait(o -> carriesHeads(o, pendingTopic, path, heads), timeout)));
    for (Mirror m : mirrors) {
      checks.add(new Check(m.name() + "'s .hg/replicated-data has the master's heads",
          wait(o -> o.headsFile(m.name(), path).map(d -> Set.copyOf(d.heads()).equals(heads)).orElse(false),
              timeout)));
    }
    checks.add(new Check("the push copied to " + finalTopic + " (both heads consumers wrote it)",
        wait(o -> carriesHeads(o, finalTopic, path, heads), timeout)));
    String repoUrl = url();
    checks.add(new Check("a changegroup.1 notification on " + Sandbox.EXCHANGE_V2 + " for " + repoUrl
        + " with head " + shortOf(heads),
        wait(o -> o.notifications().stream().anyMatch(n -> n.type().equals("changegroup.1")
            && n.data().path("repo_url").asText().equals(repoUrl)
            && heads.stream().allMatch(h -> n.data().path("heads").toString().contains(h.hex()))), timeout)));
    return checks;
  }

  private static boolean carriesHeads(Observations o, String topic, WirePath path, Set<NodeId> heads) {
    return o.events().stream().anyMatch(e -> e.topic().equals(topic)
        && e.message().event() instanceof org.vcsreplicator.message.Heads h
        && h.path().equals(path) && Set.copyOf(h.heads()).equals(heads));
  }

  private boolean wait(Predicate<Observations> condition, Duration timeout) throws InterruptedException {
    return observations.await(condition, timeout);
  }

  private void commit(String file, String content, String message) throws IOException, HgUnavailableException {
    Files.writeString(workingClone().resolve(file), content, StandardCharsets.UTF_8);
    require(hg.run(workingClone(), List.of("commit", "-A", "-m", message), Map.of()));
    progress.say("demo", "committed '" + message + "' in " + workingClone());
  }

  private void push() throws HgUnavailableException, IOException {
    progress.say("demo", "hg push " + url());
    show(require(hg.run(workingClone(), List.of("push", url()), Map.of())));
  }

  private Set<NodeId> masterHeads(Path repo) throws HgUnavailableException, IOException {
    HgResult r = require(hg.run(repo, List.of("log", "-r", "heads(all())", "-T", "{node}\\n"), Map.of()));
    Set<NodeId> heads = new java.util.LinkedHashSet<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        heads.add(NodeId.of(line.strip()));
      }
    }
    return heads;
  }

  /** Shows what hg printed that matters here: the producer's lines ("remote: recorded ..."). */
  private void show(HgResult r) {
    for (String line : r.output().split("\n")) {
      if (line.contains("replication log") || line.contains("recorded")) {
        progress.say("demo", "hg printed: " + line.strip());
      }
    }
  }

  private static HgResult require(HgResult r) throws IOException {
    if (!r.succeeded()) {
      throw new IOException("hg " + String.join(" ", r.args()) + " failed with exit " + r.exitCode() + ": "
          + r.output().strip());
    }
    return r;
  }

  private static String shortOf(Set<NodeId> heads) {
    Optional<NodeId> any = heads.stream().findFirst();
    return heads.size() == 1 ? any.get().shortHex() : Convergence.shortList(List.copyOf(heads));
  }
}
