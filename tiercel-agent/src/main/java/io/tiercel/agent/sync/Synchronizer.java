package io.tiercel.agent.sync;

import io.netty.buffer.ByteBufAllocator;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.agent.upstream.Requests;
import io.tiercel.agent.upstream.UpstreamConnection;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.core.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves SYNC writes between agents through the node's sequenced push channel ({@code SYNCHUB}):
 * publishes this agent's changes and applies other agents' changes to the local caches, each
 * only if newer than the key's {@link VersionTable} stamp; detects missed messages by per-slot
 * sequence ({@link SlotSequences}) and repairs them.
 *
 * <p><b>Repair.</b> A synced key whose slot may have missed a message is never served: the
 * slot's synced keys go into {@link Quarantine} (out of the store) the moment the gap is seen
 * (sequence jump, periodic check) or for every slot when the subscriber loses its node. The
 * missing messages are then asked for with {@code SYNCHUB REPLAY slot after}; once every repair
 * of a slot has answered, the replayed messages are applied (idempotent, version-ordered) and the
 * held keys are put back if the replay was complete, or dropped if the node's backlog no longer
 * had them. On resubscription a changed epoch (the node restarted) drops every held key: nothing
 * can be replayed. A repair cut off by a disconnect rewinds its slot, so the next subscription
 * finds it behind again.
 *
 * <p><b>Own messages.</b> Every connection of the agent says {@code SYNCHUB ORIGIN id}, so the
 * hub does not send the agent its own publishes back; a publish answers {@code [epoch, seq]}
 * instead, and that sequence is recorded as seen ({@link SlotSequences#published}). Until the
 * answer is in, the slot counts an own publish pending, and a sequence jump in it is not yet a
 * gap: the missing number may be the agent's own.
 *
 * <p><b>Threads.</b> Everything but {@link #publish} and {@link #apply} runs on the subscriber
 * connection's event loop: its callbacks, the replies to the commands it sends (matched in order
 * through {@code expected}), {@link #check}, which the agent schedules there, and the recording
 * of own sequences, which the publish replies hand over through {@code published} (one task per
 * burst, not per reply). {@code pending} (per slot) is the only state shared across threads.
 */
public final class Synchronizer implements UpstreamConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Synchronizer.class);
  private static final byte[] SYNCHUB = "SYNCHUB".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PUBLISH = "PUBLISH".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUBSCRIBE = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQS = "SEQS".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ORIGIN = "ORIGIN".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLAY = "REPLAY".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SYNC_KIND = "sync".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUBSCRIBE_KIND = "subscribe".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQS_KIND = "seqs".getBytes(StandardCharsets.US_ASCII);
  private static final IntPredicate ALL_SLOTS = slot -> true;
  /** The most cache names whose first unknown-cache message is logged. */
  private static final int UNKNOWN_CACHES_LOGGED = 1_000;

  /** What the synchronizer counts. */
  public interface Counters {
    /** A remote change was applied, {@code lagMicros} after its origin sent it. */
    void applied(long lagMicros);

    /** A remote change was older than the key's version and ignored. */
    void ignoredOld();

    /** A message on the channel could not be parsed. */
    void malformed();

    /** A remote change was for a cache this agent does not have, and was not applied. */
    void unknownCache();

    /** {@code keys} synced keys were taken out of the store until a repair. */
    void quarantined(long keys);

    /** A gap of {@code missed} messages was found (by sequence, check or resubscription). */
    void missed(long missed);

    /** {@code messages} missed messages were recovered by replay. */
    void repaired(long messages);

    /** A repair ended: {@code restored} held keys went back, {@code dropped} were dropped. */
    void repairEnded(long restored, long dropped);
  }

  /** One outstanding {@code SYNCHUB REPLAY}, or a marker for another command's reply. */
  private record Expected(String kind, SlotSequences.Gap gap) {}

  /** The repairs of one slot in flight; the slot's held keys wait for all of them. */
  private static final class SlotRepair {
    int pending;
    boolean incomplete;
    long after = Long.MAX_VALUE;
  }

  private final CacheManager caches;
  /** Names of caches this agent lacks whose changes were logged once. */
  private final Set<String> unknownCachesLogged = ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private final LongSupplier micros;
  private final long origin;
  private final HybridClock hlc;
  private final VersionTable versions;
  private final Quarantine quarantine;
  private final Counters counters;
  private final SlotSequences sequences = new SlotSequences();
  /** Own publishes per slot not yet answered, or answered but not yet recorded. */
  private final AtomicIntegerArray pending = new AtomicIntegerArray(KeySlot.SLOTS);
  /** Answered own publishes waiting to be recorded on the subscriber's loop. */
  private final Queue<OwnSequence> published = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean recordScheduled = new AtomicBoolean();
  private final byte[] originText;
  private volatile Executor loop = Runnable::run;
  /**
   * The UTF-8 name of the cache a SYNC write went to last, since nearly all go to one: read and
   * replaced by any loop without a lock, which is safe because each value is immutable.
   */
  private CacheName lastName = new CacheName("", SyncMessage.NO_VALUE);
  /** {@link HubReplies#parsePush}'s output, reused: pushes are read on one loop. */
  private final long[] pushFields = new long[5];
  private final ArrayDeque<Expected> expected = new ArrayDeque<>();
  private final Map<Integer, SlotRepair> repairs = new HashMap<>();
  private UpstreamConnection connection;
  private volatile boolean subscribed;

  /** Creates the synchronizer of agent {@code origin}. */
  public Synchronizer(CacheManager caches, Clock clock, LongSupplier micros, long origin,
      VersionTable versions, Counters counters) {
    this.caches = caches;
    this.clock = clock;
    this.micros = micros;
    this.origin = origin;
    this.hlc = new HybridClock(clock);
    this.versions = versions;
    this.quarantine = new Quarantine(caches, versions, clock);
    this.counters = counters;
    this.originText = Long.toString(origin).getBytes(StandardCharsets.US_ASCII);
  }

  /** The sequence the node gave an own publish of {@code slot}; {@code seq} -1 if unknown. */
  private record OwnSequence(int slot, long epoch, long seq) {}

  /** Runs the recording of own sequences on {@code subscriberLoop} (set before starting). */
  public void runOn(Executor subscriberLoop) {
    this.loop = subscriberLoop;
  }

  /**
   * Tells the node that {@code via} speaks for this agent ({@code SYNCHUB ORIGIN}), so its
   * publishes are not sent back to this agent; call first on every new connection.
   */
  public void identify(UpstreamConnection via) {
    via.send(Requests.of(ByteBufAllocator.DEFAULT, SYNCHUB, ORIGIN, originText))
        .whenComplete((raw, err) -> {
          if (raw != null && raw.length > 0 && raw[0] == '-') {
            LOG.warn("node refused SYNCHUB ORIGIN: {}",
                new String(raw, StandardCharsets.UTF_8).trim());
          }
        });
  }

  /** Returns this agent's origin id. */
  public long origin() {
    return origin;
  }

  /** Returns the version table. */
  public VersionTable versions() {
    return versions;
  }

  /** Returns the number of synced entries held out of the store until a repair ends. */
  public int quarantined() {
    return quarantine.size();
  }

  /** Returns the number of slots with a repair in flight (read on the subscriber's loop). */
  public int repairing() {
    return repairs.size();
  }

  /** Returns the node epoch the sequences belong to (0 before the first subscription). */
  public long epoch() {
    return sequences.epoch();
  }

  /** Returns the name the subscriber connection has on the node ({@code CLIENT LIST}). */
  public String connectionName() {
    return "tiercel-sync-" + Long.toHexString(origin);
  }

  /** Returns whether the subscriber is on its node (SYNC writes are refused otherwise). */
  public boolean subscribed() {
    return subscribed;
  }

  /** Returns the next stamp of a local write. */
  public Stamp nextStamp() {
    return new Stamp(hlc.next(), origin);
  }

  /**
   * Returns the encoded {@link SyncMessage} that describes the current state of {@code key} after
   * a local write stamped {@code stamp}: its value and expiry, read in place from the store and
   * written straight into the message, or a tombstone if the key is gone.
   */
  public byte[] describe(Cache cache, byte[] key, Stamp stamp) {
    byte[] name = nameBytes(cache.name());
    long sent = micros.getAsLong();
    // A reader gets the expiry as stored: a time, or Cache.NO_EXPIRY, as the message carries it.
    byte[] set = cache.read(key, (array, offset, length, expireAt) -> SyncMessage.encode(false,
        stamp, sent, expireAt, name, key, array, offset, length));
    return set != null ? set : SyncMessage.encode(true, stamp, sent, Cache.NO_EXPIRY, name, key,
        SyncMessage.NO_VALUE, 0, 0);
  }

  /** Returns {@code name} in UTF-8, from {@link #lastName} when the cache is the last one's. */
  private byte[] nameBytes(String name) {
    CacheName last = lastName;
    if (!last.name().equals(name)) {
      last = new CacheName(name, name.getBytes(StandardCharsets.UTF_8));
      lastName = last;
    }
    return last.utf8();
  }

  /**
   * Publishes {@code message}, a change of {@code key}, through {@code via} (a connection
   * {@link #identify}d); returns the future of the node's reply, {@code [epoch, seq]}, whose
   * sequence is recorded as seen.
   */
  public CompletableFuture<byte[]> publish(UpstreamConnection via, byte[] key, byte[] message) {
    int slot = KeySlot.of(key);
    pending.incrementAndGet(slot);
    CompletableFuture<byte[]> f = via.send(Requests.of(ByteBufAllocator.DEFAULT, SYNCHUB,
        PUBLISH, key, message));
    f.whenComplete((raw, err) -> answered(slot, raw));
    return f;
  }

  /** Hands the sequence of an answered own publish to the subscriber's loop. */
  private void answered(int slot, byte[] raw) {
    long[] epochSeq = raw == null ? null : HubReplies.parsePublish(raw);
    published.add(epochSeq == null ? new OwnSequence(slot, 0, -1)
        : new OwnSequence(slot, epochSeq[0], epochSeq[1]));
    if (recordScheduled.compareAndSet(false, true)) {
      loop.execute(this::recordPublished);
    }
  }

  /** Records the answered own publishes' sequences; runs on the subscriber's loop. */
  private void recordPublished() {
    recordScheduled.set(false);
    OwnSequence o;
    while ((o = published.poll()) != null) {
      boolean stillPending = pending.decrementAndGet(o.slot) > 0;
      List<SlotSequences.Gap> gaps;
      if (o.seq > 0 && o.epoch == sequences.epoch()) {
        gaps = sequences.published(o.slot, o.seq, stillPending);
      } else {
        gaps = stillPending ? List.of() : sequences.settle(o.slot);
      }
      repairAll(gaps);
    }
  }

  private void repairAll(List<SlotSequences.Gap> gaps) {
    for (SlotSequences.Gap gap : gaps) {
      if (subscribed) {
        LOG.warn("sync: {} message(s) of slot {} missed; repairing", gap.missed(), gap.slot());
        repair(gap);
      } else {
        // Away from the node: the resubscription finds the slot behind and repairs it.
        sequences.rewind(gap.slot(), gap.after());
      }
    }
  }

  /** Applies another agent's change if newer; returns whether it was applied. */
  public boolean apply(SyncMessage m) {
    if (m.stamp().origin() == origin) {
      return false;
    }
    hlc.observe(m.stamp().version());
    Cache cache = caches.get(m.cache());
    if (cache == null) {
      unknownCache(m.cache());
      return false;
    }
    boolean applied = versions.applyIfNewer(m.cache(), m.key(), m.stamp(), () -> {
      if (m.delete() || (m.expireAt() != Cache.NO_EXPIRY && m.expireAt() <= clock.millis())) {
        cache.remove(m.key());
      } else {
        cache.put(m.key(), m.value(), m.expireAt());
      }
    });
    if (applied) {
      counters.applied(micros.getAsLong() - m.sentMicros());
    } else {
      counters.ignoredOld();
    }
    return applied;
  }

  /**
   * Counts a change for cache {@code name}, which this agent lacks, and logs the first one of each
   * name (up to {@link #UNKNOWN_CACHES_LOGGED} names). The change is not applied anywhere: not to
   * another cache, and no cache is made for it, since an agent's caches and their settings are
   * its operator's choice ({@code CACHE CREATE} on the agent).
   */
  private void unknownCache(String name) {
    counters.unknownCache();
    if (unknownCachesLogged.size() < UNKNOWN_CACHES_LOGGED && unknownCachesLogged.add(name)) {
      LOG.warn("sync: a change for cache '{}' arrived, but this agent has no such cache; it is "
          + "not applied (counted in sync_unknown_cache; CACHE CREATE {} on this agent to "
          + "receive its changes)", name, name);
    }
  }

  /** Asks the node for its sequence table (anti-entropy); run on the subscriber's loop. */
  public void check() {
    if (subscribed && connection != null) {
      send(new Expected("seqs", null), SYNCHUB, SEQS);
    }
  }

  private void send(Expected what, byte[]... parts) {
    expected.add(what);
    connection.send(Requests.of(ByteBufAllocator.DEFAULT, parts));
  }

  @Override
  public void connected(UpstreamConnection c) {
    connection = c;
    expected.clear();
    send(new Expected("origin", null), SYNCHUB, ORIGIN, originText);
    send(new Expected("setname", null), "CLIENT".getBytes(StandardCharsets.US_ASCII),
        "SETNAME".getBytes(StandardCharsets.US_ASCII), connectionName().getBytes(
        StandardCharsets.US_ASCII));
    send(new Expected("subscribe", null), SYNCHUB, SUBSCRIBE);
  }

  @Override
  public void disconnected(UpstreamConnection c) {
    expected.clear();
    for (Map.Entry<Integer, SlotRepair> e : repairs.entrySet()) {
      sequences.rewind(e.getKey(), e.getValue().after);
    }
    repairs.clear();
    long held = quarantine.hold(ALL_SLOTS);
    LOG.warn("sync subscriber lost node {}: {} synced keys held until a repair", c.address(),
        held);
    counters.quarantined(held);
    // Last: whoever sees the agent unsubscribed (INFO, a client on another loop) finds the synced
    // keys already held, never the values of before the loss.
    subscribed = false;
  }

  @Override
  public void push(byte[] raw, int length) {
    if (HubReplies.parsePush(raw, length, pushFields)) {
      long[] f = pushFields;
      message(f[0], f[1], f[2], raw, (int) f[3], (int) f[4]);
      return;
    }
    Object reply;
    try {
      reply = ReplyFramer.parse(raw);
    } catch (RuntimeException e) {
      counters.malformed();
      return;
    }
    if (reply instanceof List<?> l && l.size() == 5 && l.get(0) instanceof byte[] kind
        && Arrays.equals(kind, SYNC_KIND)) {
      message(l);
      return;
    }
    Expected what = expected.poll();
    if (what == null) {
      LOG.debug("unexpected reply on the sync subscriber ignored");
      return;
    }
    try {
      switch (what.kind) {
        case "subscribe" -> subscribedReply(reply);
        case "seqs" -> checkReply(reply);
        case "setname" -> {
          // The name only labels the connection in CLIENT LIST.
        }
        case "origin" -> {
          if (reply instanceof ReplyFramer.ErrorReply e) {
            LOG.warn("node refused SYNCHUB ORIGIN: {}", e.message());
          }
        }
        default -> replayReply(what.gap, reply);
      }
    } catch (RuntimeException e) {
      counters.malformed();
      LOG.warn("bad {} reply from the node: {}", what.kind, e.toString());
      if (what.gap != null) {
        endRepair(what.gap.slot(), false);
      }
    }
  }

  /** A live message {@code [sync, epoch, slot, seq, payload]} in the general reply form. */
  private void message(List<?> l) {
    if (!(l.get(1) instanceof Long epoch) || !(l.get(2) instanceof Long slot)
        || !(l.get(3) instanceof Long seq) || !(l.get(4) instanceof byte[] payload)) {
      counters.malformed();
      return;
    }
    message(epoch, slot, seq, payload, 0, payload.length);
  }

  /** A live message whose payload is {@code raw[offset, offset + length)}. */
  private void message(long epoch, long slot, long seq, byte[] raw, int offset, int length) {
    if (slot < 0 || slot >= KeySlot.SLOTS) {
      counters.malformed();
      return;
    }
    if (epoch == sequences.epoch()) {
      int s = (int) slot;
      repairAll(sequences.pushed(s, seq, pending.get(s) > 0));
    }
    if (SyncMessage.originOf(raw, offset, length) == origin) {
      // Our own write (a node that does not know SYNCHUB ORIGIN echoes it): only a sequence.
      return;
    }
    try {
      apply(SyncMessage.decode(raw, offset, length));
    } catch (IllegalArgumentException e) {
      counters.malformed();
      LOG.debug("malformed sync message ignored: {}", e.getMessage());
    }
  }

  /** Holds the slot's synced keys and asks the node for the missing messages. */
  private void repair(SlotSequences.Gap gap) {
    counters.missed(gap.missed());
    int slot = gap.slot();
    counters.quarantined(quarantine.hold(s -> s == slot));
    SlotRepair r = repairs.computeIfAbsent(slot, k -> new SlotRepair());
    r.pending++;
    r.after = Math.min(r.after, gap.after());
    send(new Expected("replay", gap), SYNCHUB, REPLAY, Long.toString(slot).getBytes(
        StandardCharsets.US_ASCII), Long.toString(gap.after()).getBytes(
        StandardCharsets.US_ASCII));
  }

  /** {@code [subscribe, epoch, table]}: reconciles what was missed while away. */
  private void subscribedReply(Object reply) {
    if (reply instanceof ReplyFramer.ErrorReply e) {
      LOG.warn("node refused SYNCHUB SUBSCRIBE: {}", e.message());
      return;
    }
    List<?> l = (List<?>) reply;
    long epoch = (Long) l.get(1);
    long[] table = SlotSequences.decodeTable((byte[]) l.get(2));
    if (sequences.epoch() == 0) {
      // Only messages that arrived before a first baseline can be held: unverifiable, dropped.
      counters.repairEnded(0, quarantine.discard(ALL_SLOTS));
      sequences.reset(epoch, table);
    } else if (sequences.epoch() != epoch) {
      long dropped = quarantine.discard(ALL_SLOTS);
      LOG.warn("sync: node restarted (new epoch); {} held keys dropped", dropped);
      counters.repairEnded(0, dropped);
      sequences.reset(epoch, table);
    } else {
      for (SlotSequences.Gap gap : sequences.behind(table)) {
        repair(gap);
      }
      long restored = quarantine.release(slot -> !repairs.containsKey(slot));
      counters.repairEnded(restored, 0);
    }
    subscribed = true;
    LOG.info("sync subscriber on node {} (epoch {})", connection.address(),
        Long.toHexString(epoch));
  }

  /** {@code [seqs, epoch, table]}: repairs the slots confirmed behind. */
  private void checkReply(Object reply) {
    List<?> l = (List<?>) reply;
    if ((Long) l.get(1) != sequences.epoch()) {
      return;
    }
    long[] table = SlotSequences.decodeTable((byte[]) l.get(2));
    for (SlotSequences.Gap gap : sequences.check(table)) {
      if (!repairs.containsKey(gap.slot())) {
        LOG.warn("sync: check found {} message(s) of slot {} missed; repairing", gap.missed(),
            gap.slot());
        repair(gap);
      }
    }
  }

  /** {@code [epoch, complete, seq, payload, ...]}: applies what the node still had. */
  private void replayReply(SlotSequences.Gap gap, Object reply) {
    boolean complete = false;
    if (reply instanceof List<?> l && l.size() >= 2 && (Long) l.get(0) == sequences.epoch()) {
      complete = (Long) l.get(1) == 1;
      long recovered = 0;
      for (int i = 2; i + 1 < l.size(); i += 2) {
        long seq = (Long) l.get(i);
        apply(SyncMessage.decode((byte[]) l.get(i + 1)));
        if (seq > gap.after() && seq < gap.upto()) {
          recovered++;
        }
      }
      counters.repaired(recovered);
    }
    endRepair(gap.slot(), complete);
  }

  private void endRepair(int slot, boolean complete) {
    SlotRepair r = repairs.get(slot);
    if (r == null) {
      return;
    }
    r.incomplete |= !complete;
    if (--r.pending > 0) {
      return;
    }
    repairs.remove(slot);
    if (r.incomplete) {
      long dropped = quarantine.discard(s -> s == slot);
      LOG.warn("sync: slot {} could not be replayed in full; {} held keys dropped", slot,
          dropped);
      counters.repairEnded(0, dropped);
    } else {
      counters.repairEnded(quarantine.release(s -> s == slot), 0);
    }
  }

  /** A cache's name and its UTF-8 bytes. */
  private record CacheName(String name, byte[] utf8) {}
}
