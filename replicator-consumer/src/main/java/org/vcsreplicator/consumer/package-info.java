/**
 * The mirror consumer: reads the replication log and applies every event to this mirror's
 * repositories through hg, committing each offset only after its event is applied (SPEC §2, §3,
 * §6 "Mirror consumer").
 *
 * <p>The steps are kept apart so that a later version can run repositories in parallel lanes:
 * <pre>
 * record --decode (WireCodec)--&gt; Event --route (MirrorRoutes)--&gt; place on disk
 *        --apply (EventApplier: hg, hgrc files)--&gt; Outcome --commit (MirrorConsumer)--&gt; offset + 1
 * </pre>
 * {@link org.vcsreplicator.consumer.EventApplier} has no Kafka in it; {@link
 * org.vcsreplicator.consumer.MirrorConsumer} owns the Kafka consumer, the retries ({@link
 * org.vcsreplicator.consumer.Retrier}) and the commits. {@link
 * org.vcsreplicator.consumer.PendingRecords} holds the operator flags that look at the log
 * without applying ({@code --dump}, {@code --skip}, {@code --wait-for-n}, {@code
 * --wait-for-no-lag}); {@link org.vcsreplicator.consumer.ConsumeSession} wires it all from a
 * mirror's settings.
 *
 * <p>The heads consumer is the same loop with another handler: {@link
 * org.vcsreplicator.consumer.HeadsApplier} writes {@code .hg/replicated-data} for {@code
 * hg-heads-1} and acknowledges every other kind ({@link
 * org.vcsreplicator.consumer.ConsumeSession#openHeads}).
 *
 * <p>Log lines use the original's logger name {@code vcsreplicator.consumer} and wording.
 */
package org.vcsreplicator.consumer;
