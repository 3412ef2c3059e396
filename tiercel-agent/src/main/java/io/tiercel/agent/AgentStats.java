package io.tiercel.agent;

import io.tiercel.agent.sync.Synchronizer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/** The agent's counters and sync-lag histogram, reported by {@code INFO agent}. */
public final class AgentStats {
  final LongAdder syncSent = new LongAdder();
  final LongAdder syncPublishFailed = new LongAdder();
  final LongAdder syncApplied = new LongAdder();
  final LongAdder syncIgnoredOld = new LongAdder();
  final LongAdder syncMalformed = new LongAdder();
  /** Changes from other agents for a cache this agent lacks, not applied. */
  final LongAdder syncUnknownCache = new LongAdder();
  final LongAdder upstreamDisconnects = new LongAdder();
  final LongAdder syncQuarantined = new LongAdder();
  final LongAdder syncGaps = new LongAdder();
  final LongAdder syncMissed = new LongAdder();
  final LongAdder syncRepaired = new LongAdder();
  final LongAdder syncRestored = new LongAdder();
  final LongAdder syncDropped = new LongAdder();
  final LongAdder localHits = new LongAdder();
  final LongAdder localMisses = new LongAdder();
  final LongAdder globalCommands = new LongAdder();
  final LongAdder globalErrors = new LongAdder();
  /** Origin send to local apply, in microseconds. */
  private final ConcurrentHistogram lagMicros =
      new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);

  /** Zeroes every counter and the lag histogram ({@code CONFIG RESETSTAT}). */
  void reset() {
    for (LongAdder a : new LongAdder[] {syncSent, syncPublishFailed, syncApplied, syncIgnoredOld,
        syncMalformed, syncUnknownCache, upstreamDisconnects, syncQuarantined, syncGaps,
        syncMissed, syncRepaired, syncRestored, syncDropped, localHits, localMisses,
        globalCommands, globalErrors}) {
      a.reset();
    }
    lagMicros.reset();
  }

  /** Records the lag of one applied sync message. */
  void recordLag(long micros) {
    lagMicros.recordValue(Math.max(0, Math.min(micros, lagMicros.getHighestTrackableValue())));
  }

  /** Returns the lag percentile {@code p} in microseconds (0 before any message). */
  long lagPercentile(double p) {
    return lagMicros.getTotalCount() == 0 ? 0 : lagMicros.getValueAtPercentile(p);
  }

  /** Returns the count of sync messages applied from other agents. */
  public long syncApplied() {
    return syncApplied.sum();
  }

  /** Returns the count of sync messages ignored because the key had a newer version. */
  public long syncIgnoredOld() {
    return syncIgnoredOld.sum();
  }

  /** Returns the changes from other agents for a cache this agent lacks, not applied. */
  public long syncUnknownCache() {
    return syncUnknownCache.sum();
  }

  /** Returns the synced keys taken out of the store while a repair was pending. */
  public long syncQuarantined() {
    return syncQuarantined.sum();
  }

  /** Returns the SYNC messages found missed (by sequence gap, check or resubscription). */
  public long syncMissed() {
    return syncMissed.sum();
  }

  /** Returns the missed SYNC messages recovered from the node's backlog. */
  public long syncRepaired() {
    return syncRepaired.sum();
  }

  /** Returns the held synced keys put back after a complete repair. */
  public long syncRestored() {
    return syncRestored.sum();
  }

  /** Returns the held synced keys dropped because a repair could not be complete. */
  public long syncDropped() {
    return syncDropped.sum();
  }

  /** Appends the {@code # Agent} INFO section. */
  void info(StringBuilder sb, String agentId, String nodes, Synchronizer sync) {
    sb.append("# Agent\r\n");
    field(sb, "agent_id", agentId);
    field(sb, "nodes", nodes);
    field(sb, "sync_subscribed", sync.subscribed() ? "1" : "0");
    field(sb, "sync_epoch", Long.toHexString(sync.epoch()));
    field(sb, "sync_versions_tracked", sync.versions().size());
    field(sb, "sync_sent", syncSent.sum());
    field(sb, "sync_publish_failed", syncPublishFailed.sum());
    field(sb, "sync_applied", syncApplied.sum());
    field(sb, "sync_ignored_old", syncIgnoredOld.sum());
    field(sb, "sync_malformed", syncMalformed.sum());
    field(sb, "sync_unknown_cache", syncUnknownCache.sum());
    field(sb, "sync_lag_p50_us", lagPercentile(50));
    field(sb, "sync_lag_p90_us", lagPercentile(90));
    field(sb, "sync_lag_p99_us", lagPercentile(99));
    field(sb, "sync_lag_p999_us", lagPercentile(99.9));
    field(sb, "sync_lag_max_us", lagPercentile(100));
    field(sb, "sync_missed", syncMissed.sum());
    field(sb, "sync_gaps", syncGaps.sum());
    field(sb, "sync_repaired", syncRepaired.sum());
    field(sb, "sync_quarantined", syncQuarantined.sum());
    field(sb, "sync_held", sync.quarantined());
    field(sb, "sync_restored", syncRestored.sum());
    field(sb, "sync_dropped", syncDropped.sum());
    field(sb, "upstream_disconnects", upstreamDisconnects.sum());
    long hits = localHits.sum();
    long misses = localMisses.sum();
    field(sb, "local_hits", hits);
    field(sb, "local_misses", misses);
    field(sb, "local_hit_ratio", hits + misses == 0 ? "0.0000"
        : String.format(java.util.Locale.ROOT, "%.4f", (double) hits / (hits + misses)));
    field(sb, "global_commands", globalCommands.sum());
    field(sb, "global_errors", globalErrors.sum());
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }
}
