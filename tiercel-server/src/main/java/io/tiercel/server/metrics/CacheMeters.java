package io.tiercel.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheManager;
import io.tiercel.core.CacheStats;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.StoreStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of every named cache, tagged {@code cache=name}: hits, misses, evictions and
 * expirations (counters), entries, memory, budget and hit ratio (gauges); caches with a database
 * behind them add their store meters ({@link StoreMeters}).
 *
 * <p>Caches come and go at run time, so {@link #refresh} runs before each scrape: it takes one
 * {@link Cache#stats()} snapshot per cache (which every meter of that cache reads), registers
 * meters for new caches and removes those of dropped ones. Meters hold their cache through a
 * strong reference here, since Micrometer's function meters keep only weak ones.
 */
final class CacheMeters {
  private final MeterRegistry registry;
  private final Map<String, Entry> entries = new HashMap<>();

  CacheMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One cache's latest stats and its meters. */
  private static final class Entry {
    final Cache cache;
    final List<Meter> meters = new ArrayList<>();
    volatile CacheStats stats;
    volatile StoreStats store;
    /** Read by the store meters; held here because Micrometer holds it only weakly. */
    final Supplier<StoreStats> storeStats = () -> store;

    Entry(Cache cache) {
      this.cache = cache;
      snapshot();
    }

    void snapshot() {
      stats = cache.stats();
      if (cache instanceof BackedCache b) {
        store = b.storeStats();
      }
    }
  }

  /** Brings the meters in line with the caches of {@code caches} and snapshots their stats. */
  synchronized void refresh(CacheManager caches) {
    List<String> names = caches.names();
    entries.entrySet().removeIf(e -> {
      if (caches.get(e.getKey()) == e.getValue().cache) {
        return false;
      }
      e.getValue().meters.forEach(registry::remove);
      return true;
    });
    for (String name : names) {
      Cache cache = caches.get(name);
      if (cache == null) {
        continue;
      }
      Entry e = entries.get(name);
      if (e == null) {
        e = new Entry(cache);
        register(name, e);
        entries.put(name, e);
      } else {
        e.snapshot();
      }
    }
  }

  private void register(String name, Entry e) {
    Tags tags = Tags.of("cache", name);
    counter(e, "tiercel.cache.hits", "Reads that found a live entry", tags, s -> s.hits());
    counter(e, "tiercel.cache.misses", "Reads that found nothing", tags, s -> s.misses());
    counter(e, "tiercel.cache.evictions", "Entries removed by the eviction policy", tags,
        s -> s.evictions());
    counter(e, "tiercel.cache.expirations", "Entries removed because their TTL ran out", tags,
        s -> s.expirations());
    gauge(e, "tiercel.cache.entries", "Entries now", null, tags, s -> s.entries());
    gauge(e, "tiercel.cache.memory", "Accounted bytes of keys, values and overhead", "bytes",
        tags, s -> s.bytes());
    gauge(e, "tiercel.cache.hit.ratio", "Hits divided by reads since start", null, tags,
        CacheStats::hitRatio);
    e.meters.add(Gauge.builder("tiercel.cache.max.memory", e, x -> x.cache.config().maxMemory())
        .description("The cache's byte budget").baseUnit("bytes").tags(tags).register(registry));
    if (e.cache instanceof BackedCache b) {
      StoreMeters.register(registry, name, b, e.storeStats, e.meters);
    }
  }

  private void counter(Entry e, String name, String doc, Tags tags, ToDoubleFunction<CacheStats> f) {
    e.meters.add(FunctionCounter.builder(name, e, x -> f.applyAsDouble(x.stats))
        .description(doc).tags(tags).register(registry));
  }

  private void gauge(Entry e, String name, String doc, String unit, Tags tags,
      ToDoubleFunction<CacheStats> f) {
    e.meters.add(Gauge.builder(name, e, x -> f.applyAsDouble(x.stats))
        .description(doc).baseUnit(unit).tags(tags).register(registry));
  }
}
