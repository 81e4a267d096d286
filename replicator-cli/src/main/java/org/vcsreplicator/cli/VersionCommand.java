package org.vcsreplicator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the versions an operator needs in a bug report: ours, the Kafka client's, hg's. */
@Command(name = "version", description = "Print the versions of vcsreplicator, the Kafka client and the hg found.")
final class VersionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--hg", description = "hg executable to ask (default: hg on PATH).", defaultValue = "hg")
  String hg;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("vcsreplicator " + projectVersion());
    out.println("kafka-clients " + AppInfoParser.getVersion());
    out.println("hg " + hgVersion(hg));
    out.flush();
    return 0;
  }

  static String projectVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v != null ? v : "development build";
  }

  /** First line of {@code hg --version}, e.g. "Mercurial Distributed SCM (version 6.3.2)". */
  static String hgVersion(String hg) {
    try {
      Process p = new ProcessBuilder(hg, "--version", "--quiet").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "not usable (" + hg + " --version failed)";
      }
      String first = text.lines().findFirst().orElse("").trim();
      int open = first.indexOf("(version ");
      return open >= 0 ? first.substring(open + 9, first.indexOf(')', open)) : first;
    } catch (IOException e) {
      return "not found (" + hg + ": " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }

  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vcsreplicator " + projectVersion()};
    }
  }
}
