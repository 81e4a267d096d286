package org.vcsreplicator.sandbox;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points logging at the data directory once it is known ({@code sandbox-logback.xml}), and
 * silences the console while the sandbox shuts down (stopping consumers and brokers makes
 * expected warnings the user need not read).
 */
final class LogSetup {
  private LogSetup() {}

  /** Every log line to {@code logFile}; warnings of our parts and all errors to stderr too. */
  static void toFile(Path logFile) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return; // another SLF4J backend: leave its configuration alone
    }
    URL config = LogSetup.class.getResource("sandbox-logback.xml");
    context.reset();
    context.putProperty("SANDBOX_LOG", logFile.toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + config, e);
    }
  }

  /** Stops console output of log lines (the file keeps everything). */
  static void quietConsole() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender("CONSOLE_ERRORS");
      context.getLogger("org.vcsreplicator").detachAppender("CONSOLE_WARNINGS");
      context.getLogger("vcsreplicator").detachAppender("CONSOLE_WARNINGS");
    }
  }
}
