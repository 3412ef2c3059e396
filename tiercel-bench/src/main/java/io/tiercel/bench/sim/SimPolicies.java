package io.tiercel.bench.sim;

import io.tiercel.core.EvictionPolicyKind;
import java.util.List;

/** The policies the simulator knows by name, and how to build each for one trace and size. */
public final class SimPolicies {
  /** Every policy name, in the order rows are printed. */
  public static final List<String> ALL = List.of("lru", "arc", "tinylfu", "caffeine", "caffeine-kh", "opt");

  private SimPolicies() {}

  /** Returns whether {@code name} is a policy the simulator knows. */
  public static boolean isKnown(String name) {
    return ALL.contains(name);
  }

  /** Returns a fresh cache of {@code maximumSize} entries for {@code trace}. */
  public static SimPolicy create(String name, TraceRun trace, int maximumSize) {
    return switch (name) {
      case "lru" -> new TiercelPolicy(EvictionPolicyKind.LRU, maximumSize);
      case "arc" -> new TiercelPolicy(EvictionPolicyKind.ARC, maximumSize);
      case "tinylfu" -> new TiercelPolicy(EvictionPolicyKind.TINYLFU, maximumSize);
      case "caffeine" -> new CaffeinePolicy(maximumSize, false);
      case "caffeine-kh" -> new CaffeinePolicy(maximumSize, true);
      case "opt" -> new OptimalPolicy(trace.keys(), trace.clairvoyance(), maximumSize);
      default -> throw new IllegalArgumentException(
          "policy: '" + name + "' (expected: one of " + String.join(", ", ALL) + ")");
    };
  }
}
