/**
 * What the lag tools show, computed from offsets already read: the {@code print-offsets} table and
 * JSON ({@link org.vcsreplicator.offsets.OffsetsReport}) and the Nagios-style consumer lag check
 * with its thresholds and {@code --telegraf} output ({@link
 * org.vcsreplicator.offsets.ConsumerLagCheck}).
 *
 * <p>Pure: reading the offsets from Kafka is {@code org.vcsreplicator.kafka.OffsetsAdmin}'s job;
 * callers turn its results into {@link org.vcsreplicator.offsets.LagReading}s. Output matches the
 * Python original character for character (its table came from the {@code tabulate} library, its
 * numbers from Python's {@code %} formatting and {@code json.dumps}), so scripts and Nagios
 * configurations written for it keep working. Everything here is immutable or stateless and
 * thread-safe.
 */
package org.vcsreplicator.offsets;
