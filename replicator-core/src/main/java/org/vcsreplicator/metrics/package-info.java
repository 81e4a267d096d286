/**
 * What replication daemons report to monitoring ({@link
 * org.vcsreplicator.metrics.ReplicationMetrics}), independent of any metrics library: the loops
 * call it, the CLI exports it to Prometheus, library users may pass their own or {@link
 * org.vcsreplicator.metrics.ReplicationMetrics#none()}. No Kafka, no I/O here.
 */
package org.vcsreplicator.metrics;
