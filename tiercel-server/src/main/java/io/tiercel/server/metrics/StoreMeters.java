package io.tiercel.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.StoreStats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The backing-store meters of one cache with a database behind it, tagged {@code cache=name}: the
 * counters {@code INFO store} shows — pending writes and journal bytes, writes queued and
 * coalesced, flushed batches with their sizes and latency, loads with their latency, and
 * database errors by kind. Every meter reads the {@link StoreStats} snapshot that
 * {@link CacheMeters#refresh} takes before each scrape.
 */
final class StoreMeters {
  private StoreMeters() {}

  /** Registers {@code cache}'s store meters, reading {@code stats}; adds them to {@code out}. */
  static void register(MeterRegistry registry, String name, BackedCache cache,
      Supplier<StoreStats> stats, List<Meter> out) {
    Tags tags = Tags.of("cache", name, "mode", cache.mode().configName());
    Reg r = new Reg(registry, tags, stats, out);
    r.gauge("tiercel.store.pending.writes", "Keys queued and not yet stored", null,
        StoreStats::pendingWrites);
    r.gauge("tiercel.store.journal", "Size of the pending-write journal", "bytes",
        StoreStats::journalBytes);
    r.counter("tiercel.store.enqueued", "Writes accepted into the write-behind queue",
        StoreStats::enqueued);
    r.counter("tiercel.store.coalesced", "Queued writes that replaced a pending write of their key",
        StoreStats::coalesced);
    r.counter("tiercel.store.rejected", "Writes refused because the queue stayed full",
        StoreStats::rejected);
    r.counter("tiercel.store.flushed.entries", "Entries stored by flushed batches (batch size"
        + " = this / tiercel_store_flush_seconds_count)", StoreStats::flushedEntries);
    r.gauge("tiercel.store.batch.size.max", "Largest batch stored", null, StoreStats::maxBatch);
    r.timer("tiercel.store.flush", "Batches stored and the time they took",
        StoreStats::flushes, StoreStats::flushNanos);
    r.timer("tiercel.store.load", "Database loads on misses and the time they took",
        StoreStats::loads, StoreStats::loadNanos);
    r.counter("tiercel.store.load.hits", "Loads that found a row", StoreStats::loadHits);
    r.counter("tiercel.store.writes.through", "Writes stored before their reply (write-through)",
        StoreStats::writesThrough);
    r.counter("tiercel.store.statements", "Statements sent to the database",
        StoreStats::statements);
    r.errors("load", StoreStats::loadErrors);
    r.errors("write", StoreStats::writeErrors);
    r.errors("flush", StoreStats::flushFailures);
  }

  /** Registers meters with one cache's tags and stats supplier. */
  private record Reg(MeterRegistry registry, Tags tags, Supplier<StoreStats> stats,
      List<Meter> out) {

    void gauge(String name, String doc, String unit, ToDoubleFunction<StoreStats> f) {
      out.add(Gauge.builder(name, stats, s -> f.applyAsDouble(s.get())).description(doc)
          .baseUnit(unit).tags(tags).register(registry));
    }

    void counter(String name, String doc, ToDoubleFunction<StoreStats> f) {
      out.add(FunctionCounter.builder(name, stats, s -> f.applyAsDouble(s.get()))
          .description(doc).tags(tags).register(registry));
    }

    void timer(String name, String doc, ToDoubleFunction<StoreStats> count,
        ToDoubleFunction<StoreStats> nanos) {
      out.add(FunctionTimer.builder(name, stats, s -> (long) count.applyAsDouble(s.get()),
          s -> nanos.applyAsDouble(s.get()), TimeUnit.NANOSECONDS).description(doc).tags(tags)
          .register(registry));
    }

    void errors(String kind, ToDoubleFunction<StoreStats> f) {
      out.add(FunctionCounter.builder("tiercel.store.errors", stats, s -> f.applyAsDouble(s.get()))
          .description("Database errors: failed loads, synchronous writes and flushed batches")
          .tags(tags.and("kind", kind)).register(registry));
    }
  }
}
