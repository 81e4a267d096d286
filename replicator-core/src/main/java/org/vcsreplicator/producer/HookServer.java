package org.vcsreplicator.producer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's end of the hook protocol ({@link HookProtocol}): a Unix domain socket on which
 * every hg process of the master connects once per hook call. Each connection is served on its
 * own thread, so a slow call (a Kafka write waiting for acks) holds up no other repository.
 *
 * <p>Invariants: (1) every connection gets exactly one reply line, a refusal when the request
 * cannot be read or the handler fails (a {@code pretxn*} hook then rolls back: fail closed);
 * (2) {@link #close()} stops accepting, lets calls in flight finish (bounded), then removes the
 * socket file. Thread-safe.
 */
public final class HookServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HookServer.class);
  /** Larger than any real request (obsolescence markers of a big rebase are the largest part). */
  static final int MAX_REQUEST_BYTES = 64 << 20;
  private static final long CLOSE_GRACE_SECONDS = 30;

  private final Path socket;
  private final HookHandler handler;
  private final ServerSocketChannel server;
  private final ExecutorService workers;
  private final Thread acceptor;

  private HookServer(Path socket, HookHandler handler, ServerSocketChannel server) {
    this.socket = socket;
    this.handler = handler;
    this.server = server;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hook-call-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "hook-accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds the socket (replacing a stale socket file nobody listens on) and starts serving.
   *
   * @param permissions permissions of the socket file: every user who pushes must be able to
   *     connect (hg runs hooks as the pushing user)
   * @throws IOException when the socket cannot be bound, or another daemon listens on it
   */
  public static HookServer start(Path socket, HookHandler handler, Set<PosixFilePermission> permissions)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    Path absolute = socket.toAbsolutePath();
    if (Files.exists(absolute)) {
      if (someoneListens(absolute)) {
        throw new IOException("another producer daemon already listens on " + absolute);
      }
      Files.delete(absolute);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(absolute));
      Files.setPosixFilePermissions(absolute, permissions);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    HookServer hookServer = new HookServer(absolute, handler, server);
    hookServer.acceptor.start();
    log.info("producer daemon listening on {}", absolute);
    return hookServer;
  }

  public Path socket() {
    return socket;
  }

  private static boolean someoneListens(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.error("accepting a hook connection on {} failed: {}", socket, e.toString());
        continue;
      }
      workers.execute(() -> serve(client));
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      byte[] line = readLine(client);
      if (line == null) {
        return; // connected and closed without a word: a liveness probe (see someoneListens)
      }
      HookReply reply = replyTo(line);
      ByteBuffer out = ByteBuffer.wrap(HookProtocol.formatReply(reply));
      while (out.hasRemaining()) {
        client.write(out);
      }
    } catch (IOException e) {
      // The hg process went away (killed push); its transaction rolls back without us.
      log.warn("hook connection on {} failed: {}", socket, e.toString());
    }
  }

  private HookReply replyTo(byte[] line) {
    HookRequest request;
    try {
      request = HookProtocol.parseRequest(line);
    } catch (HookProtocolException e) {
      log.error("unreadable hook request on {}: {}", socket, e.getMessage());
      return HookReply.refuse(List.of(), List.of("vcsreplicator producer: " + e.getMessage()));
    }
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      log.error("hook call {} failed", request, e);
      return HookReply.refuse(List.of(), List.of("vcsreplicator producer internal error: " + e));
    }
  }

  /** The request line without its newline; null when the peer closed without sending anything. */
  private static byte[] readLine(SocketChannel client) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (true) {
      buf.clear();
      int n = client.read(buf);
      if (n < 0) {
        return line.size() == 0 ? null : line.toByteArray();
      }
      byte[] a = buf.array();
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          line.write(a, 0, i);
          return line.toByteArray();
        }
      }
      line.write(a, 0, n);
      if (line.size() > MAX_REQUEST_BYTES) {
        throw new IOException("hook request longer than " + MAX_REQUEST_BYTES + " bytes");
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("hook calls still running after {}s; stopping anyway", CLOSE_GRACE_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(socket);
    log.info("producer daemon stopped listening on {}", socket);
  }
}
