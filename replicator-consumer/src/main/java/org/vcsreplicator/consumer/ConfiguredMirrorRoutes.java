package org.vcsreplicator.consumer;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.FilterDecision;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.RejectedPathException;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.routing.SafePathResolver;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * {@link MirrorRoutes} from a mirror's configuration: {@code [replicationrules]}, {@code
 * [path_rewrites]} through the {@link SafePathResolver} (SPEC rule 6), {@code [pull_url_rewrites]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfiguredMirrorRoutes implements MirrorRoutes {
  private final ReplicationRules rules;
  private final SafePathResolver resolver;
  private final UrlRewrites pullUrls;

  public ConfiguredMirrorRoutes(ReplicationRules rules, PathRewrites paths, UrlRewrites pullUrls) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.resolver = new SafePathResolver(Objects.requireNonNull(paths, "paths"));
    this.pullUrls = Objects.requireNonNull(pullUrls, "pullUrls");
  }

  @Override
  public Optional<String> filteredBy(WirePath repo) {
    FilterDecision decision = rules.decide(repo);
    return decision.isFiltered() ? Optional.of(decision.rule()) : Optional.empty();
  }

  @Override
  public RepoLocation locate(WirePath repo) throws RepoLocationException {
    try {
      Path local = resolver.resolve(repo);
      Path root = resolver.rewrites().match(repo.value()).orElseThrow().root();
      return new RepoLocation(root, local, pullUrls.urlFor(repo.value()));
    } catch (RejectedPathException e) {
      throw new RepoLocationException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new RepoLocationException("cannot check the path of " + repo + ": " + e.getCause(), e);
    }
  }

  @Override
  public Path locateUnder(Path otherRoot, WirePath repo) throws RepoLocationException {
    try {
      return resolver.resolveUnder(otherRoot, repo.value());
    } catch (RejectedPathException e) {
      throw new RepoLocationException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new RepoLocationException("cannot check the path of " + repo + " under " + otherRoot + ": "
          + e.getCause(), e);
    }
  }
}
