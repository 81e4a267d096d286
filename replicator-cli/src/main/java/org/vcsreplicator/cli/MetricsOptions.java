package org.vcsreplicator.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.vcsreplicator.metrics.ReplicationMetrics;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The metrics options every daemon command shares ({@code consume}, {@code heads-consume},
 * {@code aggregate}, {@code pulse-notify}), as one picocli mixin: {@code --metrics-port PORT} serves
 * {@code /metrics} in the Prometheus text format while the daemon runs, bound to {@code
 * --metrics-bind ADDR} (127.0.0.1 by default: metrics are for the local scraper or a proxy, not
 * the world). See {@code docs/metrics.md}.
 */
final class MetricsOptions {
  static final String DEFAULT_BIND = "127.0.0.1";

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://ADDR:PORT/metrics while the daemon runs (0: any free port, "
          + "logged). With it, a daemon stopped at an event it cannot handle stays up, stopped and still serving "
          + "metrics, until SIGTERM/SIGINT (then exit 1) instead of exiting at once. Ignored by the one-shot flags.")
  Integer port;

  @Option(names = "--metrics-bind", paramLabel = "ADDR",
      description = "Address for --metrics-port (default: " + DEFAULT_BIND + "; 0.0.0.0 for every interface).")
  String bind;

  /** True when {@code --metrics-port} was given. */
  boolean enabled() {
    return port != null;
  }

  /**
   * Checks the options; a usage error (exit 2) when they make no sense.
   *
   * @throws CommandLine.ParameterException for a port out of range or {@code --metrics-bind} alone
   */
  void validate() {
    if (port == null && bind != null) {
      throw new CommandLine.ParameterException(mixee.commandLine(), "--metrics-bind needs --metrics-port");
    }
    if (port != null && (port < 0 || port > 65535)) {
      throw new CommandLine.ParameterException(mixee.commandLine(),
          "--metrics-port must be between 0 and 65535, got " + port);
    }
  }

  /**
   * Starts serving metrics when {@code --metrics-port} was given; otherwise metrics go nowhere.
   *
   * @param log the daemon's logger, for the line naming the URL
   * @return never null; close it when the daemon ends
   * @throws MetricsUnavailableException when the address cannot be bound
   */
  DaemonMetrics start(Logger log) throws MetricsUnavailableException {
    validate();
    if (port == null) {
      return new DaemonMetrics(ReplicationMetrics.none(), null);
    }
    String address = bind == null ? DEFAULT_BIND : bind;
    PrometheusReplicationMetrics metrics = PrometheusReplicationMetrics.create();
    MetricsServer server;
    try {
      server = MetricsServer.start(InetAddress.getByName(address), port, metrics.registry());
    } catch (UnknownHostException e) {
      throw new MetricsUnavailableException("--metrics-bind " + address + " is not an address of this host");
    } catch (IOException e) {
      throw new MetricsUnavailableException("cannot serve metrics on " + address + ":" + port + ": " + e.getMessage());
    }
    log.info("serving metrics at {}", server.url());
    return new DaemonMetrics(metrics, server);
  }

  /** The metrics of one daemon run and the server exporting them (null without one). */
  static final class DaemonMetrics implements AutoCloseable {
    private final ReplicationMetrics metrics;
    private final MetricsServer server;

    DaemonMetrics(ReplicationMetrics metrics, MetricsServer server) {
      this.metrics = metrics;
      this.server = server;
    }

    /** Where the daemon reports; {@link ReplicationMetrics#none()} without a server. */
    ReplicationMetrics metrics() {
      return metrics;
    }

    /** True when metrics are served (and a daemon stopped on an error should stay up to show it). */
    boolean served() {
      return server != null;
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }

  /** The metrics endpoint cannot be opened; the daemon does not start. */
  static final class MetricsUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    MetricsUnavailableException(String message) {
      super(message);
    }
  }
}
