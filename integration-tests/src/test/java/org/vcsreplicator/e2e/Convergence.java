package org.vcsreplicator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.NodeId;

/** The end-of-scenario checks: mirrors equal the master, and what the notifier published. */
final class Convergence {
  private Convergence() {}

  /**
   * Every mirror has every live repository exactly as the master has it (changesets with phases,
   * bookmarks, heads, {@code .hg/hgrc}), its heads consumer wrote the master's heads to {@code
   * .hg/replicated-data}, and no deleted repository is left on any host.
   */
  static void assertMirrorsEqualMaster(Deployment d, List<String> live, List<String> deleted) {
    try (Hg hg = HgFactory.open(HgOptions.defaults("hg").withEnvironment(Map.of("HGRCPATH",
        d.master.plainHgrc.toString())))) {
      for (String repo : live) {
        RepoState master = RepoState.read(hg, d.master.path(repo));
        assertFalse(master.changesets().isEmpty(), repo + " has changesets on the master");
        for (Mirror m : d.mirrors) {
          assertEquals(master, RepoState.read(hg, m.path(repo)), repo + " on " + m.name + " equals the master");
          ReplicatedData served = ReplicatedDataFile.read(m.path(repo))
              .orElseThrow(() -> new AssertionError(repo + " on " + m.name + " has no .hg/replicated-data"));
          Set<String> heads = new TreeSet<>(served.heads().stream().map(NodeId::hex).toList());
          assertEquals(master.heads(), heads, repo + " on " + m.name + ": heads in .hg/replicated-data");
        }
      }
    } catch (HgUnavailableException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String repo : deleted) {
      assertFalse(Files.exists(d.master.path(repo)), repo + " deleted on the master");
      for (Mirror m : d.mirrors) {
        assertFalse(Files.exists(m.path(repo)), repo + " deleted on " + m.name);
        // The consumer keeps the wire path's directories under todelete_path (as the original did).
        try (Stream<Path> left = Files.walk(m.dir.resolve("todelete"))) {
          assertEquals(List.of(), left.filter(Files::isRegularFile).toList(),
              "no file left in " + m.name + "'s todelete directory");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * When this build has {@code repo-hash} (the original's {@code hg mozrepohash}: counts and hashes
   * of revisions, phases, heads, pushlog and obsolescence markers), every mirror prints the same
   * fingerprint as the master for every live repository. Does nothing in a build without it.
   *
   * @return whether the command was there
   */
  static boolean assertRepoHashesEqual(Deployment d, List<String> live) {
    if (!org.vcsreplicator.cli.Main.commandLine().getSubcommands().containsKey("repo-hash")) {
      return false;
    }
    for (String repo : live) {
      String master = Cli.run("repo-hash", d.master.path(repo).toString()).ok().out();
      for (Mirror m : d.mirrors) {
        assertEquals(master, Cli.run("repo-hash", m.path(repo).toString()).ok().out(),
            "repo-hash of " + repo + " on " + m.name + " equals the master's");
      }
    }
    return true;
  }

  /**
   * The notifications per repository are exactly the expected ones in order (type and heads),
   * with the repository's routing key; for a deleted repository, a prefix of them (the notifier
   * skips events of a repository that no longer exists: SPEC rule 5). Nothing else was sent.
   */
  static void assertNotifications(Deployment d, Map<String, List<Workload.Expected>> expected,
      List<String> deleted) {
    Map<String, List<Notifications.Received>> got = d.notifications.byRepo();
    for (Map.Entry<String, List<Workload.Expected>> e : expected.entrySet()) {
      String url = Master.publicUrl(e.getKey());
      List<Notifications.Received> received = got.getOrDefault(url, List.of());
      List<Workload.Expected> actual = new ArrayList<>();
      for (Notifications.Received r : received) {
        assertEquals(e.getKey(), r.routingKey(), "routing key of " + r);
        actual.add(new Workload.Expected(r.type(), r.type().equals("changegroup.1") ? r.heads() : List.of()));
      }
      if (deleted.contains(e.getKey())) {
        assertTrue(actual.size() <= e.getValue().size() && e.getValue().subList(0, actual.size()).equals(actual),
            "notifications of deleted " + e.getKey() + " are a prefix of the expected ones: " + actual);
      } else {
        assertEquals(e.getValue(), actual, "notifications of " + e.getKey() + ", in order");
      }
    }
    Set<String> unexpected = new TreeSet<>(got.keySet());
    expected.keySet().forEach(r -> unexpected.remove(Master.publicUrl(r)));
    assertEquals(Set.of(), unexpected, "notifications only for the session's repositories");
  }
}
