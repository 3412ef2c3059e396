package io.tiercel.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiercel.agent.near.NearCache;
import io.tiercel.agent.sync.Synchronizer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The agent's own meters, added to the registry of the node metrics that its local store already
 * has (commands, caches, JVM): SYNC traffic, lag quantiles, missed/repaired messages, local and
 * near-cache hits. Everything is read from the counters at scrape time; nothing is recorded twice.
 */
final class AgentMeters {
  private AgentMeters() {}

  /** Registers the meters of {@code stats}, {@code sync} and {@code near} in {@code registry}. */
  static void bind(MeterRegistry registry, AgentStats stats, Synchronizer sync, NearCache near) {
    counter(registry, "tiercel.agent.sync.sent", stats.syncSent, "SYNC messages published");
    counter(registry, "tiercel.agent.sync.publish.failed", stats.syncPublishFailed,
        "SYNC publishes the node refused or lost");
    counter(registry, "tiercel.agent.sync.applied", stats.syncApplied,
        "SYNC messages of other agents applied");
    counter(registry, "tiercel.agent.sync.ignored.old", stats.syncIgnoredOld,
        "SYNC messages older than the key's version");
    counter(registry, "tiercel.agent.sync.unknown.cache", stats.syncUnknownCache,
        "SYNC messages for a cache this agent lacks, not applied");
    counter(registry, "tiercel.agent.sync.missed", stats.syncMissed,
        "SYNC messages found missed (sequence gap, check, resubscription)");
    counter(registry, "tiercel.agent.sync.repaired", stats.syncRepaired,
        "missed SYNC messages recovered by replay");
    counter(registry, "tiercel.agent.sync.quarantined", stats.syncQuarantined,
        "synced keys taken out of the store until a repair");
    counter(registry, "tiercel.agent.sync.restored", stats.syncRestored,
        "held synced keys put back after a complete repair");
    counter(registry, "tiercel.agent.sync.dropped", stats.syncDropped,
        "held synced keys dropped because no repair could be complete");
    counter(registry, "tiercel.agent.local.hits", stats.localHits, "GETs found in the local store");
    counter(registry, "tiercel.agent.local.misses", stats.localMisses,
        "GETs not found in the local store");
    counter(registry, "tiercel.agent.upstream.disconnects", stats.upstreamDisconnects,
        "request connections to the node lost");
    for (double q : new double[] {0.5, 0.99}) {
      Gauge.builder("tiercel.agent.sync.lag.seconds", stats,
              s -> s.lagPercentile(q * 100) / 1e6)
          .tag("quantile", Double.toString(q))
          .description("SYNC lag from the origin's send to the apply here, since start")
          .register(registry);
    }
    gauge(registry, "tiercel.agent.sync.subscribed", sync, s -> s.subscribed() ? 1 : 0,
        "1 while the SYNC subscriber is on its node");
    gauge(registry, "tiercel.agent.sync.held", sync, Synchronizer::quarantined,
        "synced keys held now, waiting for a repair");
    FunctionCounter.builder("tiercel.agent.near.hits", near, NearCache::hits)
        .description("GGETs answered from the near cache").register(registry);
    FunctionCounter.builder("tiercel.agent.near.misses", near, NearCache::misses)
        .description("GGETs of near-cached caches sent to the node").register(registry);
    FunctionCounter.builder("tiercel.agent.near.invalidations", near, NearCache::invalidations)
        .description("keys the node invalidated").register(registry);
    gauge(registry, "tiercel.agent.near.entries", near, NearCache::size,
        "near copies and fills in flight");
  }

  private static void counter(MeterRegistry registry, String name, LongAdder adder,
      String description) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(description)
        .register(registry);
  }

  private static <T> void gauge(MeterRegistry registry, String name, T obj,
      ToDoubleFunction<T> f, String description) {
    Gauge.builder(name, obj, f).description(description).register(registry);
  }
}
