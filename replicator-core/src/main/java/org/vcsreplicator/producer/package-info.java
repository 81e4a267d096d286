/**
 * The master-side producer: turns Mercurial hook calls on the master into replication events.
 *
 * <p>How hg reaches this code (measured in {@code docs/producer-design.md}): in-process Python
 * hooks ({@code hghooks/vcsreplicator_hghook.py}) collect the facts of a transaction and send
 * them over a Unix domain socket to a long-lived daemon ({@link HookServer}) that keeps one
 * warm Kafka producer. {@link ReplicationHooks} decides, per call, whether the transaction may
 * proceed and which events to write; {@link ReplicationLog} and {@link RepoRouter} are the seams
 * to Kafka and to routing.
 */
package org.vcsreplicator.producer;
