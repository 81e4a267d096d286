package org.vcsreplicator.cli;

import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.consumer.ConsumeSession;
import picocli.CommandLine.Command;

/**
 * {@code heads-consume CONFIG [flags]}: the heads consumer daemon of each mirror, the original's
 * {@code vcsreplicator-headsconsumer CONFIG}. Exactly {@code consume}'s flags, exit codes, signal
 * handling and {@code [consumer]} section (the original's heads consumer read the same section of
 * its own file, {@code vcsreplicator-pending.ini}, with {@code topic = replicatedpushdatapending}
 * and the mirror's own group); only the handler differs ({@link ConsumeSession#openHeads}).
 */
@Command(name = "heads-consume",
    description = {
        "Heads consumer: read the aggregated topic of events every mirror has applied "
            + "(replicatedpushdatapending) and, for hg-heads-1, write the mirror repository's .hg/replicated-data, "
            + "which hgweb's replicatedserved view reads; every other event is acknowledged without action. "
            + "Without flags it runs until SIGTERM/SIGINT, or exits 1 at an event it cannot apply "
            + "(inspect it with --dump, drop it with --skip).",
        "Flags are checked in this order: --wait-for-no-lag, --wait-for-n, --dump, --skip."})
final class HeadsConsumeCommand extends ConsumeCommand {

  @Override
  ConsumeSession openSession(ConsumerSettings settings, String configPath) {
    return ConsumeSession.openHeads(settings, configPath);
  }
}
