/**
 * Configuration: an INI reader compatible with the files operators have for the Python original
 * ({@link org.vcsreplicator.config.IniFile}) and immutable, validated settings records read from it
 * or built in code ({@link org.vcsreplicator.config.ConsumerSettings}, {@link
 * org.vcsreplicator.config.ProducerSettings}, {@link org.vcsreplicator.config.AggregatorSettings},
 * {@link org.vcsreplicator.config.NotifierSettings}).
 *
 * <p>Everything is validated when it loads; any problem is a {@link
 * org.vcsreplicator.config.ConfigException} whose message is one line naming file, section and key.
 * This package reads the configuration file and the environment it is given; it writes nothing and
 * imports no Kafka or AMQP code. Settings records are immutable and thread-safe.
 *
 * <h2>Option names and case</h2>
 *
 * Python's {@code RawConfigParser}, which read the consumer-side files, lower-cases option names;
 * Mercurial, which read the producer's {@code [replicationproducer]} and {@code
 * [replicationpathrewrites]}, does not. The readers here do the same: option names in {@code
 * [path_rewrites]}, {@code [pull_url_rewrites]}, {@code [public_url_rewrites]}, {@code
 * [ignore_paths]} and rule names in {@code [replicationrules]} are lower-cased; {@code
 * partitionmap.*} keys and {@code [replicationpathrewrites]} prefixes keep their case. Looking up a
 * single option ignores case everywhere.
 *
 * <h2>Kafka client settings</h2>
 *
 * Settings of the Kafka client that are not modelled (TLS, SASL, timeouts) are written in the same
 * section as {@code hosts}, prefixed with {@code kafka.}: {@code kafka.security.protocol = SSL},
 * {@code kafka.ssl.truststore.location = /etc/kafka/truststore.jks}. They pass through unchanged;
 * see {@link org.vcsreplicator.config.KafkaConnection}.
 */
package org.vcsreplicator.config;
