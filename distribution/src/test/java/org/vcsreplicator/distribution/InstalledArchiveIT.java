package org.vcsreplicator.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} builds installs the way docs/install.md says, on a host with
 * only a JRE and hg: unpacked as it is, {@code bin/vcsreplicator} runs from {@code lib/} with a
 * {@code PATH} that has java, hg and the few shell tools the launcher uses, and no Maven and no
 * sources anywhere. Any attempt to build would fail there.
 *
 * <p>The examples in the archive are checked against the settings readers by {@code
 * ExampleConfigsTest} (replicator-cli); here the units are checked against systemd itself.
 */
class InstalledArchiveIT {
  private static final Path ARCHIVE = Path.of(System.getProperty("vcsreplicator.archive"));
  private static final String ROOT_NAME = System.getProperty("vcsreplicator.archive.root");
  private static final String VERSION = System.getProperty("vcsreplicator.version");
  /** What the launcher needs besides java and hg: bash (its interpreter) and two coreutils. */
  private static final List<String> SHELL_TOOLS = List.of("bash", "readlink", "dirname");

  @TempDir static Path dir;
  static Path home;
  static Path tools;

  @BeforeAll
  static void unpackAsAnOperatorWould() throws Exception {
    assertTrue(Files.isRegularFile(ARCHIVE), "archive not built: " + ARCHIVE);
    Path opt = Files.createDirectories(dir.resolve("opt"));
    Result untar = run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", opt.toString()), System.getenv());
    assertEquals(0, untar.exit, untar.toString());
    home = opt.resolve(ROOT_NAME);

    // A PATH with nothing but java, hg and the launcher's shell tools.
    tools = Files.createDirectories(dir.resolve("tools"));
    Files.createSymbolicLink(tools.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Files.createSymbolicLink(tools.resolve("hg"), onPath("hg"));
    for (String tool : SHELL_TOOLS) {
      Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
    }
  }

  @Test
  void archiveHoldsLaunchersJarsHgextExamplesAndNoSources() throws IOException {
    try (Stream<Path> bin = Files.list(home.resolve("bin"))) {
      List<Path> launchers = bin.collect(Collectors.toList());
      assertTrue(launchers.contains(home.resolve("bin/vcsreplicator")), launchers.toString());
      assertTrue(launchers.contains(home.resolve("bin/check_vcsreplicator_lag")), launchers.toString());
      for (Path launcher : launchers) {
        assertTrue(Files.isExecutable(launcher), launcher.toString());
      }
    }
    assertTrue(Files.isRegularFile(home.resolve("lib/replicator-cli.jar")));
    assertTrue(Files.isRegularFile(home.resolve("hgext/vcsreplicator_served.py")));
    assertTrue(Files.isRegularFile(home.resolve("hghooks/vcsreplicator_hghook.py")));
    assertTrue(Files.isRegularFile(home.resolve("docs/install.md")));
    for (String example : List.of("mirror/vcsreplicator.ini", "mirror/vcsreplicator-pending.ini",
        "master/vcsreplicator-producer.ini", "master/pushdataaggregator-pending.ini",
        "master/pushdataaggregator.ini", "master/pushdataaggregator_groups", "master/notifications.ini",
        "systemd/vcsreplicator.service", "systemd/vcsreplicator@.service", "systemd/vcsreplicator-heads.service",
        "systemd/pushdataaggregator-pending.service", "systemd/pushdataaggregator.service",
        "systemd/pulsenotifier.service")) {
      assertTrue(Files.isRegularFile(home.resolve("examples").resolve(example)), example);
    }
    try (Stream<Path> all = Files.walk(home)) {
      List<String> sources = all.map(home::relativize)
          .filter(p -> p.endsWith("pom.xml") || p.toString().endsWith(".java") || p.startsWith("src")
              || Stream.of(p.toString().split("/")).anyMatch("target"::equals))
          .map(Path::toString)
          .collect(Collectors.toList());
      assertEquals(List.of(), sources, "an installation carries no sources and no build output");
    }
    assertFalse(Files.exists(tools.resolve("mvn")));
  }

  @Test
  void versionRunsFromLibWithOnlyJavaAndHgOnPath() throws Exception {
    Result r = run(List.of(home.resolve("bin/vcsreplicator").toString(), "version"), installedHostEnv());

    assertEquals(0, r.exit, r.toString());
    assertEquals("", r.err, "nothing built, nothing complained about");
    assertEquals(List.of("vcsreplicator " + VERSION, "kafka-clients " + kafkaClientsVersion(), "hg " + hgVersion()),
        r.out.lines().collect(Collectors.toList()));
    try (Stream<Path> top = Files.list(home)) {
      assertEquals(List.of("README.md", "bin", "docs", "examples", "hgext", "hghooks", "lib"),
          top.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()),
          "running the launcher leaves the installation as unpacked");
    }
  }

  @Test
  void originalNameLauncherRunsThroughASymlinkFromAnotherDirectory() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("nagios-plugins"));
    Path link = plugins.resolve("check_vcsreplicator_lag");
    Files.createSymbolicLink(link, home.resolve("bin/check_vcsreplicator_lag"));

    Result r = run(List.of(link.toString(), "--help"), installedHostEnv());

    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("Usage: vcsreplicator check-lag"), r.toString());
  }

  @Test
  void hookSnippetNamesTheInstalledHookModule() throws Exception {
    Result r = run(List.of(home.resolve("bin/vcsreplicator").toString(), "producer-hgrc"), installedHostEnv());

    assertEquals(0, r.exit, r.toString());
    Path module = home.resolve("hghooks/vcsreplicator_hghook.py");
    assertTrue(Files.isRegularFile(module));
    assertTrue(r.out.contains("pretxnclose.vcsreplicator = python:" + module + ":pretxnclose\n"), r.toString());
  }

  @Test
  void systemdAcceptsTheUnitsPointedAtTheUnpackedLaunchers() throws Exception {
    Optional<Path> analyze = findOnPath("systemd-analyze");
    assumeTrue(analyze.isPresent(), "systemd-analyze not installed");
    Path units = Files.createDirectories(dir.resolve("units"));
    List<String> command = new ArrayList<>(List.of(analyze.get().toString(), "verify", "--man=no"));
    try (Stream<Path> examples = Files.list(home.resolve("examples/systemd"))) {
      for (Path unit : examples.sorted().collect(Collectors.toList())) {
        String text = Files.readString(unit).replace("/opt/vcsreplicator-java/", home + "/");
        Path copy = units.resolve(unit.getFileName());
        Files.writeString(copy, text);
        command.add(copy.toString());
      }
    }

    // verify checks every directive and that each ExecStart names an executable file.
    Result r = run(command, System.getenv());

    assertEquals(0, r.exit, r.toString());
    assertFalse((r.out + r.err).contains(".service"), r.toString());
  }

  private static Map<String, String> installedHostEnv() {
    return Map.of("PATH", tools.toString(), "HOME", dir.toString(), "LANG", "C.UTF-8");
  }

  private static String kafkaClientsVersion() throws IOException {
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      return jars.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("kafka-clients-[0-9.]+\\.jar"))
          .map(n -> n.substring("kafka-clients-".length(), n.length() - ".jar".length()))
          .findFirst().orElseThrow(() -> new AssertionError("no kafka-clients jar in lib/"));
    }
  }

  /** "6.3.2" from "Mercurial Distributed SCM (version 6.3.2)". */
  private static String hgVersion() throws Exception {
    Result r = run(List.of(onPath("hg").toString(), "--version", "--quiet"), System.getenv());
    assertEquals(0, r.exit, r.toString());
    String first = r.out.lines().findFirst().orElseThrow();
    return first.substring(first.indexOf("(version ") + 9, first.indexOf(')'));
  }

  private static Path onPath(String program) {
    return findOnPath(program).orElseThrow(() -> new AssertionError(program + " not found on PATH"));
  }

  private static Optional<Path> findOnPath(String program) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 120 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
