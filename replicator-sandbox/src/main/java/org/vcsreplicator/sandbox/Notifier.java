package org.vcsreplicator.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalLong;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.pulse.PulseNotifier;

/**
 * The Pulse notifier on the master, from {@code notifier/notifier.ini} as {@code
 * bin/vcsreplicator pulse-notify CONFIG} reads it: consumes {@code replicatedpushdata} and
 * publishes to both Pulse exchanges of the sandbox's AMQP broker. Public URLs are the master's
 * hg serve URLs.
 */
final class Notifier {
  private Notifier() {}

  static Daemon start(Path dir, String bootstrapServers, String topic, AmqpServer amqp, Master master,
      String exchangeV1, String exchangeV2, Progress progress) throws Exception {
    Files.createDirectories(dir);
    Path config = Files.writeString(dir.resolve("notifier.ini"), String.join("\n",
        "# The Pulse notifier (the original's notifications.ini layout).",
        "[pulseconsumer]",
        "hosts = " + bootstrapServers,
        "client_id = pulsenotifier",
        "topic = " + topic,
        "group = pulsenotifier",
        "poll_timeout = 0.1",
        "",
        "[pulse]",
        "hostname = " + AmqpServer.HOST,
        "port = " + amqp.port(),
        "userid = " + AmqpServer.USER,
        "password = " + AmqpServer.PASSWORD,
        "virtual_host = /",
        "ssl = false",
        "connect_timeout = 5",
        "exchange = " + exchangeV1,
        "exchange2 = " + exchangeV2,
        "routing_key_strip_prefix = " + master.baseUrl() + "/",
        "",
        "# The canonical repositories (a repository missing here was deleted: skipped).",
        "[path_rewrites]",
        Master.WIRE_PREFIX + " = " + master.repos(),
        "",
        "[public_url_rewrites]",
        Master.WIRE_PREFIX + " = " + master.baseUrl(),
        "",
        "[programs]",
        "hg = hg",
        ""), StandardCharsets.UTF_8);
    NotifierSettings settings = NotifierSettings.from(IniFile.load(config));
    PulseNotifier notifier = PulseNotifier.open(settings, OptionalLong.empty(), Clock.systemUTC());
    progress.say("notifier", "publishes " + topic + " to " + exchangeV1 + " and " + exchangeV2 + "; config "
        + dir.getFileName() + "/" + config.getFileName());
    return Daemon.start("notifier", () -> {
      try (notifier) {
        int code = notifier.run();
        return code == PulseNotifier.EXIT_OK ? "stopped" : "failed (exit " + code + ")";
      }
    }, notifier::stop, progress);
  }
}
