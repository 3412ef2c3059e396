package io.tiercel.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one named cache: policy, memory budget and default time to live.
 *
 * <p>Built with {@link #builder()} or parsed from a spec string shared by the config file,
 * {@code CACHE CREATE} and tests: {@code policy=tinylfu,maxmemory=64mb,ttl=10m}. Keys:
 * <ul>
 *   <li>{@code policy=[lru|arc|tinylfu]} (default {@code tinylfu})
 *   <li>{@code maxmemory=[size]}: bytes of keys, values and per-entry overhead (default 512mb),
 *       with Redis's units ({@link ConfigValues}: {@code 64mb} is 64 MiB, {@code 64m} 64,000,000)
 *   <li>{@code ttl=[duration]}: expiry of writes that set none, {@code 0} for none (default 0)
 * </ul>
 */
public record CacheConfig(EvictionPolicyKind policy, long maxMemory, Duration defaultTtl) {
  /** The default memory budget of a cache, as in {@code --maxmemory}. */
  public static final long DEFAULT_MAX_MEMORY = 512L << 20;

  /** Validates every field. */
  public CacheConfig {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(defaultTtl, "defaultTtl");
    if (maxMemory <= 0) {
      throw new IllegalArgumentException("maxmemory: " + maxMemory + " (expected: > 0)");
    }
    if (defaultTtl.isNegative()) {
      throw new IllegalArgumentException("ttl: " + defaultTtl + " (expected: >= 0)");
    }
  }

  /** Returns the settings a cache gets when nothing is said. */
  public static CacheConfig defaults() {
    return builder().build();
  }

  /** Returns a builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder().policy(policy).maxMemory(maxMemory).defaultTtl(defaultTtl);
  }

  /** Parses a spec such as {@code policy=arc,maxmemory=64mb,ttl=10m} over these settings. */
  public CacheConfig with(String spec) {
    Builder b = toBuilder();
    if (spec.isBlank()) {
      return this;
    }
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "cache spec: '" + part.trim() + "' (expected: key=value)");
      }
      b.set(part.substring(0, eq), part.substring(eq + 1));
    }
    return b.build();
  }

  /** Parses a spec over the defaults. */
  public static CacheConfig parse(String spec) {
    return defaults().with(spec);
  }

  /** Returns the settings as key-value pairs, in the spec's syntax. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("policy", policy.configName());
    m.put("maxmemory", ConfigValues.formatBytes(maxMemory));
    m.put("ttl", defaultTtl.isZero() ? "0" : defaultTtl.toMillis() + "ms");
    return m;
  }

  /** Collects settings; fails fast with the setting's name and what was expected. */
  public static final class Builder {
    private EvictionPolicyKind policy = EvictionPolicyKind.TINYLFU;
    private long maxMemory = DEFAULT_MAX_MEMORY;
    private Duration defaultTtl = Duration.ZERO;

    private Builder() {}

    /** Sets the eviction policy. */
    public Builder policy(EvictionPolicyKind policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the memory budget in bytes. */
    public Builder maxMemory(long bytes) {
      this.maxMemory = bytes;
      return this;
    }

    /** Sets the expiry applied to writes that set none; zero for none. */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Sets one setting by its spec name. */
    public Builder set(String key, String value) {
      String k = key.trim().toLowerCase(Locale.ROOT);
      switch (k) {
        case "policy" -> policy(EvictionPolicyKind.parse(value));
        case "maxmemory", "max-memory" -> maxMemory(ConfigValues.parseBytes(k, value.strip()));
        case "ttl", "default-ttl", "expiry" -> defaultTtl(ConfigValues.parseDuration(k, value));
        default -> throw new IllegalArgumentException(
            "cache spec: unknown key '" + key.trim() + "' (expected: policy, maxmemory or ttl)");
      }
      return this;
    }

    /** Returns the validated settings. */
    public CacheConfig build() {
      return new CacheConfig(policy, maxMemory, defaultTtl);
    }
  }
}
