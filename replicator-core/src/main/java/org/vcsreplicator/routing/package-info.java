/**
 * Routing of repository paths: local path to wire path on the master ({@link
 * org.vcsreplicator.routing.ProducerPathRewrites}), wire path to partition ({@link
 * org.vcsreplicator.routing.PartitionMap}), wire path to local directory, pull URL or public URL on
 * a mirror ({@link org.vcsreplicator.routing.PathRewrites}, {@link
 * org.vcsreplicator.routing.UrlRewrites}), and which repositories a mirror replicates ({@link
 * org.vcsreplicator.routing.ReplicationRules}).
 *
 * <p>Everything here is pure and immutable, compiled once when the configuration loads, and safe
 * to share between threads. The one exception is {@link
 * org.vcsreplicator.routing.SafePathResolver}, which reads (never writes) the filesystem to
 * resolve symbolic links for the path-safety check of SPEC rule 6.
 *
 * <p>Regular expressions come from configuration files written for the Python original; they are
 * compiled with {@link org.vcsreplicator.routing.PythonRegex} so that Python syntax keeps its
 * meaning.
 */
package org.vcsreplicator.routing;
