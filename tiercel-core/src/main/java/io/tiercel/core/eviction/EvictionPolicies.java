package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;

/** Creates eviction policies by kind. */
public final class EvictionPolicies {
  private EvictionPolicies() {}

  /** Returns a new, empty policy of {@code kind} keeping entries within {@code maximum}. */
  public static EvictionPolicy create(EvictionPolicyKind kind, long maximum) {
    return switch (kind) {
      case LRU -> new LruPolicy(maximum);
      case ARC -> new ArcPolicy(maximum);
      case TINYLFU -> new TinyLfuPolicy(maximum);
    };
  }
}
