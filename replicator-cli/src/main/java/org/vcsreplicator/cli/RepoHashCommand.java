package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.hg.ProcessHg;
import org.vcsreplicator.hg.PushlogReader;
import org.vcsreplicator.hg.RepoHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code repo-hash PATH [-T json]}: the original's {@code hg mozrepohash}, a fingerprint of a
 * repository that is equal on a master and each mirror that has applied everything.
 */
@Command(name = "repo-hash", mixinStandardHelpOptions = true,
    description = {
        "Print a fingerprint of a repository (revision and head counts; hashes of the visible and all "
            + "revisions, phases, heads, pushlog and obsolescence markers), the fields of the original's "
            + "`hg mozrepohash`. Equal output on master and mirror means equal history."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "255:abort (not a repository, hg failed, unreadable obsstore or pushlog)"})
final class RepoHashCommand implements Callable<Integer> {
  static final int ABORT = 255;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "PATH", defaultValue = ".",
      description = "The repository (default: the one containing the current directory).")
  Path path;

  @CommandLine.Option(names = {"-T", "--template"}, paramLabel = "json",
      description = "`json`: one JSON object in a list, as hg's -T json prints it.")
  String template;

  @CommandLine.Option(names = "--no-raw", description = "Leave out the hash of the raw obsstore file.")
  boolean noRaw;

  @CommandLine.Option(names = "--hg", defaultValue = "hg", description = "The hg executable (default: ${DEFAULT-VALUE}).")
  String hgExecutable;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (template != null && !template.equals("json")) {
      err.println("abort: unsupported template '" + template + "' (only json)");
      err.flush();
      return ABORT;
    }
    Path repo = OperatorProducer.repoRoot(path);
    if (!Files.isDirectory(repo.resolve(".hg"))) {
      err.println("abort: repository " + path.toAbsolutePath().normalize() + " not found");
      err.flush();
      return ABORT;
    }
    try (ProcessHg hg = new ProcessHg(HgOptions.defaults(hgExecutable).withPlainProcesses(true))) {
      RepoHash hash = RepoHash.compute(hg, repo, PushlogReader.sqlite());
      if (template != null) {
        out.print(hash.json(!noRaw));
      } else {
        hash.lines(!noRaw).forEach(out::println);
      }
      out.flush();
      return 0;
    } catch (RepoHash.RepoHashException | HgUnavailableException e) {
      err.println("abort: " + e.getMessage());
      err.flush();
      return ABORT;
    }
  }
}
