package io.tiercel.jdbc;

import io.tiercel.core.backing.BackingStore;
import io.tiercel.core.backing.SlotRangeStore;
import io.tiercel.core.backing.StoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the backing store a cache's {@code store=} option names: one JDBC URL, or slot-range
 * shards {@code 0-8191:jdbc:...;8192-16383:jdbc:...}, each range its own database.
 */
public final class JdbcStores {
  private static final Pattern SHARD = Pattern.compile("(\\d+)-(\\d+):(jdbc:.+)");

  private JdbcStores() {}

  /** Opens the store of cache {@code cache} as {@code options} describe it. */
  public static BackingStore open(String cache, StoreOptions options) {
    String spec = options.store().trim();
    if (spec.startsWith("jdbc:")) {
      return JdbcBackingStore.open(spec, cache, options);
    }
    List<SlotRangeStore.Shard> shards = new ArrayList<>();
    try {
      for (String part : spec.split(";")) {
        Matcher m = SHARD.matcher(part.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("store: '" + StoreOptions.redact(part.trim())
              + "' (expected: a jdbc: URL, or FROM-TO:jdbc:... slot ranges separated by ;)");
        }
        shards.add(new SlotRangeStore.Shard(Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)), JdbcBackingStore.open(m.group(3), cache, options)));
      }
      return new SlotRangeStore(shards);
    } catch (RuntimeException e) {
      for (SlotRangeStore.Shard s : shards) {
        s.store().close();
      }
      throw e;
    }
  }
}
