package io.tiercel.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A handle on an embedded cache, from {@link Tiercel#open}; safe to share between threads.
 *
 * <p>In the process that serves the cache, calls go straight to the in-process store; elsewhere
 * they go to the serving process over its UNIX socket. Either way a write returns once the
 * serving process has logged it, so it survives that process's death; a call during a handover
 * waits for the next serving process or fails with {@link CacheUnavailableException}. Keys and
 * values are bytes; the {@code String} overloads use UTF-8.
 */
public final class EmbeddedCache implements AutoCloseable {
  private static final long NO_EXPIRY = -1;

  private final CacheHost host;
  private final Duration defaultExpiry;
  private volatile boolean closed;

  EmbeddedCache(CacheHost host, Duration defaultExpiry) {
    this.host = host;
    this.defaultExpiry = defaultExpiry;
  }

  /** Returns the cache's name. */
  public String name() {
    return host.dir().name();
  }

  /** Returns whether this process serves the cache now (else another process does). */
  public boolean isServing() {
    return host.serving();
  }

  /** Returns the value of {@code key}, or null if it is absent or expired. */
  public byte[] get(byte[] key) {
    byte[] k = key(key);
    return host().call(b -> b.get(k), true);
  }

  /** Returns the value of {@code key} as UTF-8 text, or null. */
  public String get(String key) {
    return text(get(utf8(key)));
  }

  /** Stores {@code value} under {@code key}, expiring after the default expiry (if any). */
  public void set(byte[] key, byte[] value) {
    write(key, value, defaultExpiry.isZero() ? NO_EXPIRY : expireAt(defaultExpiry));
  }

  /** Stores {@code value} under {@code key} as UTF-8 text. */
  public void set(String key, String value) {
    set(utf8(key), utf8(value));
  }

  /**
   * Stores {@code value} under {@code key}, expiring {@code ttl} from now.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public void set(byte[] key, byte[] value, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    write(key, value, expireAt(ttl));
  }

  /** Stores {@code value} under {@code key} as UTF-8 text, expiring {@code ttl} from now. */
  public void set(String key, String value, Duration ttl) {
    set(utf8(key), utf8(value), ttl);
  }

  private void write(byte[] key, byte[] value, long expireAtMillis) {
    byte[] k = key(key);
    // The store keeps the array it is given: copy, so the caller may reuse theirs.
    byte[] v = Objects.requireNonNull(value, "value").clone();
    host().call(b -> {
      b.set(k, v, expireAtMillis);
      return null;
    }, true);
  }

  /**
   * Removes {@code key} and returns its value, or null if it was absent.
   *
   * @throws CacheUnavailableException with {@code outcomeUnknown()} if the serving process died
   *     after receiving the call, so the key may or may not have been removed
   */
  public byte[] pop(byte[] key) {
    byte[] k = key(key);
    return host().call(b -> b.pop(k), false);
  }

  /** Removes {@code key} and returns its value as UTF-8 text, or null. */
  public String pop(String key) {
    return text(pop(utf8(key)));
  }

  /** Removes every entry of the cache, for every process. */
  public void purge() {
    host().call(b -> {
      b.purge();
      return null;
    }, true);
  }

  /**
   * Closes this handle; the last handle of this process on the cache also stops serving it (if
   * this process serves it, another waiting process takes over) or stops waiting to.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Tiercel.release(host);
  }

  private CacheHost host() {
    if (closed) {
      throw new IllegalStateException("cache '" + name() + "': this handle is closed");
    }
    return host;
  }

  private long expireAt(Duration ttl) {
    long now = host.options().clock().millis();
    long millis = ttl.toMillis();
    return millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(1, millis);
  }

  private static byte[] key(byte[] key) {
    Objects.requireNonNull(key, "key");
    return key.clone();
  }

  private static byte[] utf8(String s) {
    return Objects.requireNonNull(s, "key and value must not be null")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
