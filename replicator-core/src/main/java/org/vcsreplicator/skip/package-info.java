/**
 * The record of an operator's {@code --skip} (SPEC rule 2, §7): what was dropped, exactly as it was
 * on the wire, by whom, when and why, so that it can be listed and replayed later. Pure values and
 * their JSON; writing and reading the audit topic lives in {@code org.vcsreplicator.kafka}
 * ({@code SkipRecorder}, {@code SkipRecordReader}).
 */
package org.vcsreplicator.skip;
