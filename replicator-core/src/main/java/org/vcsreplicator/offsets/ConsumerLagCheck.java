package org.vcsreplicator.offsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.vcsreplicator.codec.PythonJson;

/**
 * The Nagios check of one consumer group's lag ({@code check-lag}, the original's {@code
 * check_vcsreplicator_lag}), with the original's output line for line so that existing Nagios
 * configurations and the people reading them see what they know.
 *
 * <p>Per partition: in sync when the committed offset has reached the end offset; otherwise the
 * number of messages behind and the age of the oldest unapplied message are each rated against
 * {@link LagThresholds} (at or above a threshold reaches it). The check is as bad as its worst
 * rating. Beyond the thresholds, as in the original: a negative age (producer clock ahead of ours)
 * makes the check WARNING once, with an NTP hint; an age that could not be read is reported as a
 * WARNING line but does not change the status, so one unreadable record does not page anyone while
 * the message count still guards the partition.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConsumerLagCheck {

  /**
   * The last two lines of every report except UNKNOWN. The original pointed to its operations
   * page; ours points to the README section that explains the check and its exit codes.
   */
  public static final List<String> FOOTER = List.of(
      "See \"Lag and health checks\" in the vcsreplicator README (docs/admin.md)",
      "for details about this check.");

  private ConsumerLagCheck() {}

  /**
   * Rates one group's partitions.
   *
   * @param readings one per partition of the topic, for one group; never null
   * @param thresholds never null
   * @return the summary line, a blank line, the partition lines by partition, a blank line and the
   *     {@link #FOOTER}; never null
   */
  public static CheckReport evaluate(List<LagReading> readings, LagThresholds thresholds) {
    List<LagReading> sorted = new ArrayList<>(readings);
    sorted.sort(Comparator.comparingInt(LagReading::partition));
    CheckStatus status = CheckStatus.OK;
    int inSync = 0;
    boolean driftWarned = false;
    List<String> details = new ArrayList<>();
    for (LagReading r : sorted) {
      if (r.isInSync()) {
        inSync++;
        details.add(String.format(Locale.ROOT, "OK - partition %d is completely in sync (%d/%d)", r.partition(), r.offset(), r.available()));
        continue;
      }
      long behind = r.available() - r.offset();
      CheckStatus byCount = thresholds.forCount(behind);
      status = status.worst(byCount);
      details.add(String.format(Locale.ROOT, "%s - partition %d is %d messages behind (%d/%d)",
          byCount, r.partition(), behind, r.offset(), r.available()));
      if (r.lagSeconds().isEmpty()) {
        details.add(String.format(Locale.ROOT, "WARNING - could not determine lag time for partition %d", r.partition()));
        continue;
      }
      double seconds = r.lagSeconds().getAsDouble();
      CheckStatus byTime = thresholds.forTime(seconds);
      status = status.worst(byTime);
      details.add(String.format(Locale.ROOT, "%s - partition %d is %s seconds behind", byTime, r.partition(), PythonFormat.fixed(seconds, 3)));
      if (seconds < 0 && !driftWarned) {
        status = status.worst(CheckStatus.WARNING);
        details.add("WARNING - clock drift of " + PythonFormat.fixed(seconds, 3)
            + " seconds between producer and consumer; check NTP sync");
        driftWarned = true;
      }
    }

    int total = sorted.size();
    int outOfSync = total - inSync;
    String summary;
    if (status != CheckStatus.OK) {
      summary = String.format(Locale.ROOT, "%s - %d/%d partitions out of sync", status, outOfSync, total);
    } else if (outOfSync == 0) {
      summary = String.format(Locale.ROOT, "OK - %d/%d consumers completely in sync", inSync, total);
    } else {
      summary = String.format(Locale.ROOT, "OK - %d/%d consumers out of sync but within tolerances", outOfSync, total);
    }

    List<String> lines = new ArrayList<>();
    lines.add(summary);
    lines.add("");
    lines.addAll(details);
    lines.add("");
    lines.addAll(FOOTER);
    return new CheckReport(status, lines);
  }

  /**
   * The {@code --telegraf} output: a JSON array with, per partition in order, {@code available},
   * {@code lag_time} (seconds, {@code 0.0} when in sync, {@code null} when unreadable), {@code
   * offset} and {@code partition}, as the original's {@code json.dumps(..., sort_keys=True)}.
   *
   * @param readings one group's partitions; never null
   * @return one line without terminator; never null
   */
  public static String telegraf(List<LagReading> readings) {
    List<LagReading> sorted = new ArrayList<>(readings);
    sorted.sort(Comparator.comparingInt(LagReading::partition));
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (LagReading r : sorted) {
      ObjectNode o = array.addObject();
      o.put("partition", r.partition());
      o.put("offset", r.offset());
      o.put("available", r.available());
      if (r.lagSeconds().isPresent()) {
        o.put("lag_time", r.lagSeconds().getAsDouble());
      } else {
        o.putNull("lag_time");
      }
    }
    return PythonJson.write(array);
  }
}
