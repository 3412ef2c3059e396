package io.tiercel.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tiercel.server.command.Node;
import java.util.List;

/**
 * Every meter of one node in one Prometheus registry: commands ({@link CommandMetrics}), HTTP
 * ({@link HttpMetrics}), each named cache, connections, and the JVM (memory, GC, threads, class
 * loading, CPU, uptime). {@link #scrape()} renders the Prometheus text format.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The content type of {@link #scrape()}'s text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Node node;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CommandMetrics commands;
  private final HttpMetrics http;
  private final CacheMeters caches;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** Registers the node's meters; {@code httpRoutes} names the HTTP routes by index. */
  public NodeMetrics(Node node, List<String> httpRoutes) {
    this.node = node;
    this.commands = new CommandMetrics(registry);
    this.http = new HttpMetrics(registry, httpRoutes);
    this.caches = new CacheMeters(registry);
    Gauge.builder("tiercel.clients.connected", node, Node::connectedClients)
        .description("RESP clients connected now").register(registry);
    FunctionCounter.builder("tiercel.connections.received", node, Node::connectionsReceived)
        .description("RESP connections accepted").register(registry);
    FunctionCounter.builder("tiercel.connections.rejected", node, Node::rejectedConnections)
        .description("RESP connections refused at maxclients").register(registry);
    FunctionCounter.builder("tiercel.clients.output.limit.disconnections", node,
            Node::outputLimitDisconnections)
        .description("RESP clients closed for not reading their pushes "
            + "(client-output-buffer-limit)")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    caches.refresh(node.caches());
  }

  /** Returns the observer that counts and times RESP commands. */
  public CommandMetrics commands() {
    return commands;
  }

  /** Returns the registry, so an embedding process (the agent) can add its own meters. */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  /** Returns the HTTP meters. */
  public HttpMetrics http() {
    return http;
  }

  /** Returns every meter in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    caches.refresh(node.caches());
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
