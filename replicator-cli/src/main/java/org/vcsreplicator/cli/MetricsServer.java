package org.vcsreplicator.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Serves a {@link PrometheusRegistry} over HTTP: {@code GET /metrics} in the Prometheus text format
 * (and whatever else the client library's exporter negotiates), {@code /-/healthy} for probes.
 * Runs on the exporter's own daemon threads, independent of the replication loop, so it keeps
 * answering while the loop is blocked or stopped on an error.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;
  private final InetAddress address;

  private MetricsServer(HTTPServer server, InetAddress address) {
    this.server = server;
    this.address = address;
  }

  /**
   * Starts serving.
   *
   * @param address the local address to bind; never null
   * @param port the TCP port, or 0 for any free one (see {@link #port()})
   * @param registry what to serve; never null
   * @throws IOException when the address cannot be bound (port in use, address not local)
   */
  static MetricsServer start(InetAddress address, int port, PrometheusRegistry registry) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(registry, "registry");
    HTTPServer server = HTTPServer.builder().inetAddress(address).port(port).registry(registry).buildAndStart();
    return new MetricsServer(server, address);
  }

  /** The bound port (the chosen one when started with 0). */
  int port() {
    return server.getPort();
  }

  /** The URL to scrape, e.g. {@code http://127.0.0.1:9464/metrics}. */
  String url() {
    String host = address.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
  }
}
