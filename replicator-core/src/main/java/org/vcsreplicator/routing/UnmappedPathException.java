package org.vcsreplicator.routing;

/**
 * No {@code [path_rewrites]} entry matches the wire path. The original would use such a path
 * verbatim (relative to its working directory, or absolute); here it is refused.
 */
public final class UnmappedPathException extends RejectedPathException {
  public UnmappedPathException(String wirePath) {
    super(
        wirePath,
        "wire path "
            + wirePath
            + " matches no [path_rewrites] entry; refusing to use it as a local path");
  }
}
