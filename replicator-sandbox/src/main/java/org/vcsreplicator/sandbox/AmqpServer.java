package org.vcsreplicator.sandbox;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;

/**
 * The AMQP 0-9-1 broker the notifier publishes to: a RabbitMQ already listening on
 * 127.0.0.1:5672 that accepts guest/guest (used, never stopped), otherwise an Apache Qpid
 * Broker-J started inside the sandbox JVM on a free loopback port, with an in-memory virtual host
 * and its work directory under the data directory.
 *
 * <p>Not thread-safe; started and closed by the sandbox's main thread.
 */
final class AmqpServer implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int RABBITMQ_PORT = 5672;
  static final String USER = "guest";
  static final String PASSWORD = "guest";

  /** What answered. */
  enum Kind { RABBITMQ, EMBEDDED_QPID }

  // "secureOnlyMechanisms": [] lets PLAIN work over plain TCP (else the client finds "no
  // compatible authentication mechanism"); the aliases map the client's "/" to the only host.
  private static final String QPID_CONFIG = """
      {
        "name": "vcsreplicator-sandbox",
        "modelVersion": "8.0",
        "authenticationproviders": [{
          "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
          "users": [{"name": "%s", "type": "managed", "password": "%s"}]
        }],
        "ports": [{
          "name": "AMQP", "port": 0, "bindingAddress": "%s", "protocols": ["AMQP_0_9_1"],
          "authenticationProvider": "plain",
          "virtualhostaliases": [
            {"name": "nameAlias", "type": "nameAlias"},
            {"name": "defaultAlias", "type": "defaultAlias"}
          ]
        }],
        "virtualhostnodes": [{
          "name": "default", "type": "Memory", "defaultVirtualHostNode": "true",
          "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
        }]
      }
      """.formatted(USER, PASSWORD, HOST);

  private final Kind kind;
  private final int port;
  private final SystemLauncher qpid;
  private final String why;

  private AmqpServer(Kind kind, int port, SystemLauncher qpid, String why) {
    this.kind = kind;
    this.port = port;
    this.qpid = qpid;
    this.why = why;
  }

  /**
   * Uses a local RabbitMQ if one answers (and {@code tryRabbitMq}), else starts Qpid with its work
   * directory in {@code workDir}.
   */
  static AmqpServer start(Path workDir, boolean tryRabbitMq) throws Exception {
    if (tryRabbitMq && answers(HOST, RABBITMQ_PORT)) {
      return new AmqpServer(Kind.RABBITMQ, RABBITMQ_PORT, null, "already running; user guest");
    }
    return startQpid(workDir, tryRabbitMq ? "no RabbitMQ answered on " + HOST + ":" + RABBITMQ_PORT
        : "--embedded-amqp");
  }

  private static boolean answers(String host, int port) {
    ConnectionFactory f = factory(host, port);
    f.setConnectionTimeout(1_000);
    f.setHandshakeTimeout(2_000);
    try (Connection c = f.newConnection("vcsreplicator-sandbox-probe")) {
      return c.isOpen();
    } catch (IOException | TimeoutException | RuntimeException e) {
      return false;
    }
  }

  // Qpid's model API is generic over self types that raw Class literals cannot express.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AmqpServer startQpid(Path workDir, String why) throws Exception {
    Files.createDirectories(workDir);
    Path config = workDir.resolve("initial-config.json");
    Files.writeString(config, QPID_CONFIG, StandardCharsets.UTF_8);
    AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
    SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
      @Override
      public void onContainerResolve(SystemConfig<?> systemConfig) {
        system.set(systemConfig);
      }
    });
    Map<String, String> context = new HashMap<>();
    context.put("qpid.work_dir", workDir.toString());
    context.put("qpid.home_dir", workDir.toString());
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "Memory");
    attributes.put("initialConfigurationLocation", config.toUri().toString());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put("context", context);
    try {
      launcher.startup(attributes);
      Broker<?> broker = system.get().getContainer(Broker.class);
      int port = broker.getChildren(Port.class).stream()
          .filter(p -> p instanceof AmqpPort)
          .mapToInt(Port::getBoundPort)
          .filter(p -> p > 0)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the embedded Qpid broker bound no AMQP port"));
      return new AmqpServer(Kind.EMBEDDED_QPID, port, launcher, why + "; user guest/guest, work dir "
          + workDir.getFileName() + "/");
    } catch (Exception | Error e) {
      try {
        launcher.shutdown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  Kind kind() {
    return kind;
  }

  int port() {
    return port;
  }

  /** A new client connection factory for this broker. */
  ConnectionFactory connectionFactory() {
    return factory(HOST, port);
  }

  private static ConnectionFactory factory(String host, int port) {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(host);
    f.setPort(port);
    f.setUsername(USER);
    f.setPassword(PASSWORD);
    f.setVirtualHost("/");
    f.setAutomaticRecoveryEnabled(false);
    f.setConnectionTimeout(2_000);
    return f;
  }

  /** One line saying what runs, for the progress output. */
  String describe() {
    return (kind == Kind.RABBITMQ ? "RabbitMQ at " : "embedded Apache Qpid Broker-J at ") + HOST + ":" + port
        + " (" + why + ")";
  }

  @Override
  public void close() {
    if (qpid != null) {
      qpid.shutdown();
    }
  }
}
