package org.vcsreplicator.aggregator;

import java.util.ArrayList;
import java.util.List;
import org.vcsreplicator.offsets.CheckReport;
import org.vcsreplicator.offsets.CheckStatus;

/**
 * The Nagios check of the aggregator ({@code check_vcsreplicator_aggregator_lag}): how many
 * records every mirror acknowledged that the aggregator has not copied yet. Formats the
 * original's lines exactly; pure, no I/O. Reports are {@link CheckReport}s, as for the other checks.
 *
 * <p>Thresholds apply to the total with {@code >=}: the first line is {@code OK}, {@code WARNING}
 * or {@code CRITICAL} accordingly (exit 0, 1, 2). A lagging partition is labelled by its own count
 * against the same thresholds. (The original labels a lagging partition below every threshold
 * with whatever label its loop held last; for the cases its tests cover, both agree.)
 *
 * @param warningCount total behind at which the check warns; non-negative
 * @param criticalCount total behind at which the check is critical; non-negative
 */
public record AggregatorLagCheck(long warningCount, long criticalCount) {
  /** The original's defaults. */
  public static final long DEFAULT_WARNING_COUNT = 40;
  public static final long DEFAULT_CRITICAL_COUNT = 100;

  /** The footer pointing operators at the runbook (the original's lines). */
  public static final List<String> FOOTER = List.of(
      "See https://mozilla-version-control-tools.readthedocs.io/en/latest/hgmo/ops.html",
      "for details about this check.");

  public AggregatorLagCheck {
    if (warningCount < 0 || criticalCount < 0) {
      throw new IllegalArgumentException("thresholds must not be negative: warning " + warningCount
          + ", critical " + criticalCount);
    }
  }

  /** The level of a count against the thresholds ({@code >=}); {@code OK} for 0. */
  public CheckStatus levelOf(long behind) {
    if (behind <= 0) {
      return CheckStatus.OK;
    }
    if (behind >= criticalCount) {
      return CheckStatus.CRITICAL;
    }
    if (behind >= warningCount) {
      return CheckStatus.WARNING;
    }
    return CheckStatus.OK;
  }

  /** The human-readable report: summary, blank line, one line per partition, blank line, footer. */
  public CheckReport report(AggregationStatus status) {
    long total = status.totalBehind();
    CheckStatus level = levelOf(total);
    List<String> lines = new ArrayList<>();
    if (total == 0) {
      lines.add("OK - aggregator has copied all fully replicated messages");
    } else {
      lines.add(level + " - " + total + " messages from " + status.partitionsBehind().size() + " partitions behind");
    }
    lines.add("");
    for (PartitionStatus p : status.partitions()) {
      if (p.behind() == 0) {
        lines.add("OK - partition " + p.partition() + " is completely in sync ("
            + p.ackedOffset() + "/" + p.consumedOffset() + ")");
      } else {
        lines.add(levelOf(p.behind()) + " - partition " + p.partition() + " is " + p.behind()
            + " messages behind (" + p.ackedOffset() + "/" + p.consumedOffset() + ")");
      }
    }
    lines.add("");
    lines.addAll(FOOTER);
    return new CheckReport(level, lines);
  }

  /**
   * The machine-readable form for Telegraf's {@code exec} input, as the original prints it
   * ({@code json.dumps(..., sort_keys=True)}): one line,
   * {@code [{"acked_offset": 2, "consumed_offset": 2, "partition": 0}, ...]}.
   */
  public static String telegraf(AggregationStatus status) {
    StringBuilder sb = new StringBuilder("[");
    for (PartitionStatus p : status.partitions()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append("{\"acked_offset\": ").append(p.ackedOffset())
          .append(", \"consumed_offset\": ").append(p.consumedOffset())
          .append(", \"partition\": ").append(p.partition()).append('}');
    }
    return sb.append(']').toString();
  }
}
