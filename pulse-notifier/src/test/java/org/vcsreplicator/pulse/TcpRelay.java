package org.vcsreplicator.pulse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of a broker, so a test can break the network under a client
 * without touching the broker (which may be a shared RabbitMQ):
 * {@link #severConnections()} cuts every relayed connection, {@link #blackhole(boolean)} makes the
 * relay swallow bytes in both directions (a broker that stopped answering), and
 * {@link #close()} also stops accepting (a broker that is down).
 *
 * <p>Thread-safe. Uses two daemon threads per relayed connection.
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean blackhole;

    /** Starts relaying from a free local port to {@code targetHost:targetPort}. */
    public TcpRelay(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open relay port", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-relay-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the host clients connect to, never null */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** @return the local port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every relayed connection (both sides); new connections are still accepted. */
    public void severConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    /** While on, bytes in both directions are read and dropped: the peer seems to hang. */
    public void blackhole(boolean on) {
        blackhole = on;
    }

    /** Stops accepting and closes every relayed connection. */
    @Override
    public void close() {
        closeQuietly(server);
        severConnections();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!blackhole) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-relay-" + from.getPort() + "-" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
