package org.vcsreplicator.pulse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;

/**
 * An Apache Qpid Broker-J inside the test JVM: one AMQP 0-9-1 port on 127.0.0.1 (a free port the
 * broker picks), user guest/guest over PLAIN, one in-memory virtual host reachable as {@code /}.
 * Nothing is written outside a temporary work directory, which {@link #close()} removes.
 */
final class EmbeddedQpidBroker implements AutoCloseable {

    static final String USER = "guest";
    static final String PASSWORD = "guest";

    // "secureOnlyMechanisms": [] lets PLAIN work over plain TCP; without it the client fails with
    // "No compatible authentication mechanism found". The defaultAlias maps the client's "/" to
    // the default virtual host (Qpid strips the leading slash).
    private static final String INITIAL_CONFIG = """
            {
              "name": "vcsreplicator-test-broker",
              "modelVersion": "8.0",
              "authenticationproviders": [{
                "name": "plain",
                "type": "Plain",
                "secureOnlyMechanisms": [],
                "users": [{"name": "%s", "type": "managed", "password": "%s"}]
              }],
              "ports": [{
                "name": "AMQP",
                "port": 0,
                "bindingAddress": "127.0.0.1",
                "protocols": ["AMQP_0_9_1"],
                "authenticationProvider": "plain",
                "virtualhostaliases": [
                  {"name": "nameAlias", "type": "nameAlias"},
                  {"name": "defaultAlias", "type": "defaultAlias"}
                ]
              }],
              "virtualhostnodes": [{
                "name": "default",
                "type": "Memory",
                "defaultVirtualHostNode": "true",
                "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
              }]
            }
            """.formatted(USER, PASSWORD);

    private final SystemLauncher launcher;
    private final Path workDir;
    private final Broker<?> broker;
    private final int port;

    private EmbeddedQpidBroker(SystemLauncher launcher, Path workDir, Broker<?> broker, int port) {
        this.launcher = launcher;
        this.workDir = workDir;
        this.broker = broker;
        this.port = port;
    }

    // Qpid's model API is generic over self types that raw Class literals cannot express.
    @SuppressWarnings({"unchecked", "rawtypes"})
    static EmbeddedQpidBroker start() throws Exception {
        Path workDir = Files.createTempDirectory("qpid-broker-");
        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> systemConfig) {
                system.set(systemConfig);
            }
        });
        try {
            Path config = workDir.resolve("initial-config.json");
            Files.writeString(config, INITIAL_CONFIG, StandardCharsets.UTF_8);
            Map<String, String> context = new HashMap<>();
            context.put("qpid.work_dir", workDir.toString());
            context.put("qpid.home_dir", workDir.toString());
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("type", "Memory");
            attributes.put("initialConfigurationLocation", config.toUri().toString());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put("context", context);
            launcher.startup(attributes);

            Broker<?> broker = system.get().getContainer(Broker.class);
            int port = broker.getChildren(Port.class).stream()
                    .filter(p -> p instanceof AmqpPort)
                    .mapToInt(Port::getBoundPort)
                    .filter(p -> p > 0)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("embedded Qpid broker bound no AMQP port"));
            return new EmbeddedQpidBroker(launcher, workDir, broker, port);
        } catch (Exception | Error e) {
            try {
                launcher.shutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            deleteRecursively(workDir);
            throw e;
        }
    }

    int port() {
        return port;
    }

    /**
     * Closes client connections from the broker's side, as a broker restart would, except the one
     * whose client end uses local port {@code sparedClientPort}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void closeClientConnections(int sparedClientPort) {
        for (Port<?> p : broker.getChildren(Port.class)) {
            for (org.apache.qpid.server.model.Connection<?> c : p.getConnections()) {
                if (!c.getRemoteAddress().endsWith(":" + sparedClientPort)) {
                    c.delete();
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            launcher.shutdown();
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove Qpid work directory " + dir, e);
        }
    }
}
