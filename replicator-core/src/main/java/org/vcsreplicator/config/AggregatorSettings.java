package org.vcsreplicator.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the aggregator (and its Nagios check) on the master needs: {@code [aggregator]} with {@code
 * hosts}, {@code client_id}, {@code connect_timeout} (60), {@code monitor_topic}, {@code
 * monitor_groups_file} (a file listing the mirror groups, re-read on every poll), {@code
 * ack_group}, {@code aggregate_topic} and {@code kafka.*}; all but the timeout are required.
 *
 * @param kafka never null
 * @param monitorTopic the topic whose fully acknowledged records are copied, never blank
 * @param monitorGroupsFile the file naming the mirror groups, never null
 * @param ackGroup the aggregator's own consumer group, never blank
 * @param aggregateTopic the topic copies go to, never blank
 */
public record AggregatorSettings(
    KafkaConnection kafka,
    String monitorTopic,
    Path monitorGroupsFile,
    String ackGroup,
    String aggregateTopic) {

  public static final String DEFAULT_SECTION = "aggregator";

  /**
   * @throws ConfigException (without file) when a value is missing or blank
   */
  public AggregatorSettings {
    if (kafka == null) {
      throw new ConfigException(null, DEFAULT_SECTION, "hosts", "missing required key");
    }
    ConsumerSettings.requireText(DEFAULT_SECTION, "monitor_topic", monitorTopic);
    if (monitorGroupsFile == null) {
      throw new ConfigException(
          null, DEFAULT_SECTION, "monitor_groups_file", "missing required key");
    }
    ConsumerSettings.requireText(DEFAULT_SECTION, "ack_group", ackGroup);
    ConsumerSettings.requireText(DEFAULT_SECTION, "aggregate_topic", aggregateTopic);
  }

  /** Reads {@code [aggregator]}. */
  public static AggregatorSettings from(IniFile ini) {
    return from(ini, DEFAULT_SECTION);
  }

  /**
   * Reads an aggregator section (the second-stage aggregator may use another).
   *
   * @throws ConfigException naming file, section and key
   */
  public static AggregatorSettings from(IniFile ini, String section) {
    Objects.requireNonNull(section, "section");
    SectionReader r = new SectionReader(ini, section);
    KafkaConnection kafka = KafkaConnection.from(ini, section);
    String monitorTopic = r.required("monitor_topic");
    String groupsFile = r.required("monitor_groups_file");
    Path groups;
    try {
      groups = Path.of(groupsFile);
    } catch (InvalidPathException e) {
      throw r.error("monitor_groups_file", "not a valid path: '" + groupsFile + "'");
    }
    String ackGroup = r.required("ack_group");
    String aggregateTopic = r.required("aggregate_topic");
    return new AggregatorSettings(kafka, monitorTopic, groups, ackGroup, aggregateTopic);
  }
}
