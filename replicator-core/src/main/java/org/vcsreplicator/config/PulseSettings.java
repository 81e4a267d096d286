package org.vcsreplicator.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Pulse (AMQP 0-9-1) broker and exchanges the notifier publishes to: {@code [pulse]}. Every
 * option is required, as in the original: {@code hostname}, {@code port}, {@code userid}, {@code
 * password}, {@code virtual_host}, {@code ssl} (boolean), {@code connect_timeout} (seconds), {@code
 * exchange} (v1: changegroups only), {@code exchange2} (v2: every message type) and {@code
 * routing_key_strip_prefix} (the routing key is the public URL without this prefix).
 *
 * <p>{@link #toString()} hides the password.
 *
 * @param hostname never blank
 * @param port 1 to 65535
 * @param userid never null
 * @param password never null
 * @param virtualHost never null
 * @param ssl whether to connect with TLS
 * @param connectTimeout non-negative
 * @param exchange the v1 exchange, never blank
 * @param exchange2 the v2 exchange, never blank
 * @param routingKeyStripPrefix never null
 */
public record PulseSettings(
    String hostname,
    int port,
    String userid,
    String password,
    String virtualHost,
    boolean ssl,
    Duration connectTimeout,
    String exchange,
    String exchange2,
    String routingKeyStripPrefix) {

  public static final String SECTION = "pulse";

  /**
   * @throws ConfigException (without file) when a value is invalid
   */
  public PulseSettings {
    ConsumerSettings.requireText(SECTION, "hostname", hostname);
    if (port < 1 || port > 65535) {
      throw new ConfigException(null, SECTION, "port", "not a TCP port: " + port);
    }
    requirePresent("userid", userid);
    requirePresent("password", password);
    requirePresent("virtual_host", virtualHost);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative()) {
      throw new ConfigException(null, SECTION, "connect_timeout", "must not be negative");
    }
    ConsumerSettings.requireText(SECTION, "exchange", exchange);
    ConsumerSettings.requireText(SECTION, "exchange2", exchange2);
    requirePresent("routing_key_strip_prefix", routingKeyStripPrefix);
  }

  private static void requirePresent(String key, String value) {
    if (value == null) {
      throw new ConfigException(null, SECTION, key, "missing required key");
    }
  }

  /**
   * Reads {@code [pulse]}.
   *
   * @throws ConfigException naming file, section and key
   */
  public static PulseSettings from(IniFile ini) {
    SectionReader r = new SectionReader(ini, SECTION);
    String hostname = r.required("hostname");
    int port = r.requiredInt("port");
    String userid = present(r, "userid");
    String password = present(r, "password");
    String virtualHost = present(r, "virtual_host");
    boolean ssl = r.requiredBool("ssl");
    Duration connectTimeout = r.requiredSeconds("connect_timeout");
    String exchange = r.required("exchange");
    String exchange2 = r.required("exchange2");
    String strip = present(r, "routing_key_strip_prefix");
    try {
      return new PulseSettings(
          hostname, port, userid, password, virtualHost, ssl, connectTimeout, exchange, exchange2,
          strip);
    } catch (ConfigException e) {
      throw e.locatedIn(ini.source(), SECTION);
    }
  }

  /** A key that must be present but may be empty (an empty password or prefix is legitimate). */
  private static String present(SectionReader r, String key) {
    return r.optional(key).orElseThrow(() -> r.error(key, "missing required key"));
  }

  @Override
  public String toString() {
    return "PulseSettings[hostname="
        + hostname
        + ", port="
        + port
        + ", userid="
        + userid
        + ", password=(hidden), virtualHost="
        + virtualHost
        + ", ssl="
        + ssl
        + ", connectTimeout="
        + connectTimeout
        + ", exchange="
        + exchange
        + ", exchange2="
        + exchange2
        + ", routingKeyStripPrefix="
        + routingKeyStripPrefix
        + "]";
  }

  /** A builder for code without a file; {@code virtualHost} defaults to {@code /}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String hostname;
    private int port;
    private String userid;
    private String password;
    private String virtualHost = "/";
    private boolean ssl;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private String exchange;
    private String exchange2;
    private String routingKeyStripPrefix = "";

    private Builder() {}

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder userid(String userid) {
      this.userid = userid;
      return this;
    }

    public Builder password(String password) {
      this.password = password;
      return this;
    }

    public Builder virtualHost(String virtualHost) {
      this.virtualHost = virtualHost;
      return this;
    }

    public Builder ssl(boolean ssl) {
      this.ssl = ssl;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder exchange(String exchange) {
      this.exchange = exchange;
      return this;
    }

    public Builder exchange2(String exchange2) {
      this.exchange2 = exchange2;
      return this;
    }

    public Builder routingKeyStripPrefix(String routingKeyStripPrefix) {
      this.routingKeyStripPrefix = routingKeyStripPrefix;
      return this;
    }

    /**
     * @throws ConfigException when a value is invalid or a required one is missing
     */
    public PulseSettings build() {
      return new PulseSettings(
          hostname, port, userid, password, virtualHost, ssl, connectTimeout, exchange, exchange2,
          routingKeyStripPrefix);
    }
  }
}
