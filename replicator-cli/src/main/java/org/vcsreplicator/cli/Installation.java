package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the files of this installation that are not classes live ({@code hghooks/}, {@code
 * hgext/}): the directory holding {@code bin/}. {@code bin/vcsreplicator} passes it as the system
 * property {@value #HOME_PROPERTY}, in an unpacked archive ({@code <home>/lib/*.jar}) as in a
 * source checkout ({@code <home>/replicator-cli/target/}), so commands need not guess from the
 * location of their jar.
 */
final class Installation {
  static final String HOME_PROPERTY = "vcsreplicator.home";

  private Installation() {}

  /** The home given by the launcher; empty when the JVM was started some other way (tests). */
  static Optional<Path> home() {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home));
  }
}
