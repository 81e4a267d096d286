package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The original's program names in {@code bin/} run the right subcommand of the {@code vcsreplicator}
 * beside them, with the arguments unchanged, also when called through a symbolic link (as from
 * {@code /usr/local/bin} or a Nagios plugin directory). A stand-in {@code vcsreplicator} echoes its
 * arguments, so no build is needed.
 */
class LaunchersTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"vcsreplicator-print-offsets, print-offsets", "check_vcsreplicator_lag, check-lag",
      "check_kafka_hg_heartbeat, check-heartbeat",
      "check_vcsreplicator_aggregator_lag, check-aggregator-lag", "vcsreplicator-aggregator, aggregate",
      "vcsreplicator-consumer, consume", "vcsreplicator-headsconsumer, heads-consume",
      "vcsreplicator-bootstrap-hgweb, bootstrap-mirror"})
  void launcherExecsItsSubcommand(String launcher, String subcommand) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("install/bin"));
    Files.copy(Path.of("..", "bin", launcher), bin.resolve(launcher), StandardCopyOption.COPY_ATTRIBUTES);
    Path fake = bin.resolve("vcsreplicator");
    Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path linkDir = Files.createDirectories(dir.resolve("plugins"));
    Path link = Files.createSymbolicLink(linkDir.resolve(launcher), bin.resolve(launcher));

    assertEquals("[" + subcommand + "][/etc/vcs replicator.ini][--warning-lag-count][1]",
        run(link, "/etc/vcs replicator.ini", "--warning-lag-count", "1"));
  }

  @org.junit.jupiter.api.Test
  void bootstrapHgsshPassesTheOriginalsPositionalHgAsOption() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("install/bin"));
    String launcher = "vcsreplicator-bootstrap-hgssh";
    Files.copy(Path.of("..", "bin", launcher), bin.resolve(launcher), StandardCopyOption.COPY_ATTRIBUTES);
    Path fake = bin.resolve("vcsreplicator");
    Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertEquals("[bootstrap-master][/etc/mercurial/hgrc][--hg][/var/hg/venv pash/bin/hg][--workers][1]"
            + "[--output][/home/hg/hgssh.json]",
        run(bin.resolve(launcher), "/etc/mercurial/hgrc", "/var/hg/venv pash/bin/hg", "--workers", "1",
            "--output", "/home/hg/hgssh.json"));
  }

  private static String run(Path program, String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = program.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(program + " did not finish");
    }
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
