package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheStats;
import io.tiercel.core.EntryMutator;
import io.tiercel.core.EntryVisitor;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.MultiEntryMutator;
import io.tiercel.core.ValueReader;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a session holds instead of a cache when it has none it may use: its cache was dropped
 * ({@code CACHE DROP}), or a strict switch ({@code CACHE USE name}) named a cache that does not
 * exist. Every operation throws the session's error, so every command that touches the selected
 * cache answers it and writes nowhere, while commands that touch no cache (PING, SELECT, CACHE,
 * CLIENT, INFO, ...) keep working.
 *
 * <p>Why a stand-in and not a flag: the commands already read the session's cache (one volatile
 * read), so a stand-in that fails costs the hot path nothing, and no command can forget a check
 * and reach the dropped cache. A call site that once meets it becomes bimorphic, which the JIT
 * still inlines; on a node where nothing was dropped it is never seen.
 *
 * <p>The name is kept: a session is bound to a cache by name, so when a cache of that name is
 * created again the session reaches it ({@link Node#cacheCreated}).
 */
public final class UnusableCache implements Cache {
  private static final String ERROR_PREFIX = "ERR cache '";
  private static final String ERROR_SUFFIX = "; SELECT another cache";

  private final String name;
  private final String reason;
  private final CommandError error;

  private UnusableCache(String name, String reason, String why) {
    this.name = name;
    this.reason = reason;
    this.error = new CommandError(ERROR_PREFIX + name + "' " + why + ERROR_SUFFIX);
  }

  /** Returns the stand-in for cache {@code name}, which was dropped. */
  static UnusableCache dropped(String name) {
    return new UnusableCache(name, "dropped", "was dropped");
  }

  /** Returns the stand-in for cache {@code name}, which a strict switch found missing. */
  static UnusableCache missing(String name) {
    return new UnusableCache(name, "missing", "does not exist");
  }

  /**
   * Returns whether {@code text} (an error reply without its {@code -}) is the error of a session
   * without a usable cache, as the agent recognises it in a node's replies.
   */
  public static boolean isUnusableCacheError(String text) {
    return text != null && text.startsWith(ERROR_PREFIX) && text.endsWith(ERROR_SUFFIX);
  }

  /** Returns the error every operation answers, without the leading {@code -}. */
  public String error() {
    return error.getMessage();
  }

  /** Returns why the cache cannot be used, as {@code CLIENT LIST} shows it. */
  String reason() {
    return reason;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CacheConfig config() {
    throw error;
  }

  @Override
  public byte[] get(byte[] key) {
    throw error;
  }

  @Override
  public <R> R read(byte[] key, ValueReader<R> reader) {
    throw error;
  }

  @Override
  public boolean containsKey(byte[] key) {
    throw error;
  }

  @Override
  public <R> R peek(byte[] key, ValueReader<R> reader) {
    throw error;
  }

  @Override
  public long entryWeight(byte[] key) {
    throw error;
  }

  @Override
  public long frequency(byte[] key) {
    throw error;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    throw error;
  }

  @Override
  public void put(byte[] key, byte[] value, long expireAtMillis) {
    throw error;
  }

  @Override
  public void putPacked(byte[] packed, long expireAtMillis) {
    throw error;
  }

  @Override
  public void putPacked(byte[] packed, int length, long expireAtMillis) {
    throw error;
  }

  @Override
  public boolean remove(byte[] key) {
    throw error;
  }

  @Override
  public <R> R compute(byte[] key, EntryMutator<R> mutator) {
    throw error;
  }

  @Override
  public <R> R computeAll(List<byte[]> keys, MultiEntryMutator<R> mutator) {
    throw error;
  }

  @Override
  public long expireAt(byte[] key) {
    throw error;
  }

  @Override
  public long size() {
    throw error;
  }

  @Override
  public long weightedSize() {
    throw error;
  }

  @Override
  public long expiringSize() {
    throw error;
  }

  @Override
  public void setMaxMemory(long bytes) {
    throw error;
  }

  @Override
  public void setPolicy(EvictionPolicyKind policy) {
    throw error;
  }

  @Override
  public void purge() {
    throw error;
  }

  @Override
  public long scan(long cursor, int count, Consumer<byte[]> keys) {
    throw error;
  }

  @Override
  public int countKeysInSlot(int slot) {
    throw error;
  }

  @Override
  public void forEachKeyInSlot(int slot, Consumer<byte[]> keys) {
    throw error;
  }

  @Override
  public void forEachEntryInSlot(int slot, EntryVisitor visitor) {
    throw error;
  }

  @Override
  public int removeSlot(int slot) {
    throw error;
  }

  @Override
  public byte[] randomKey() {
    throw error;
  }

  @Override
  public CacheStats stats() {
    throw error;
  }

  @Override
  public void cleanUp() {
    throw error;
  }
}
