package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalCause;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write of a value as long as the key's current one, without an expiry, copies it into the
 * entry's array (see "Overwrites in place" in {@link BoundedCache}): what takes that path, what
 * does not, and that lock-free readers never see half of two values.
 */
class BoundedCacheOverwriteTest {
  /** Returns the entry's array itself, to tell whether a write made a new one. */
  private static final ValueReader<byte[]> ARRAY = (array, offset, length, expireAt) -> array;

  private final ManualClock clock = new ManualClock();

  private BoundedCache cache(RemovalListener listener) {
    return new BoundedCache("t", CacheConfig.builder().maxMemory(64L << 20).build(), clock,
        listener);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Packs {@code key} and {@code value} into the front of {@code scratch}; returns the length. */
  private static int pack(byte[] scratch, byte[] key, byte[] value) {
    PackedKeyValue.writeHeader(scratch, key.length);
    System.arraycopy(key, 0, scratch, PackedKeyValue.keyOffset(key.length), key.length);
    int valueOffset = PackedKeyValue.valueOffset(key.length);
    System.arraycopy(value, 0, scratch, valueOffset, value.length);
    return valueOffset + value.length;
  }

  @Test
  void aValueOfTheSameLengthIsCopiedIntoTheEntrysArray() {
    BoundedCache c = cache(RemovalListener.none());
    c.put(b("k"), b("aaaa"));
    byte[] array = c.read(b("k"), ARRAY);
    long weight = c.weightedSize();

    c.put(b("k"), b("bbbb"));

    assertThat(c.read(b("k"), ARRAY)).isSameAs(array);
    assertThat(c.get(b("k"))).isEqualTo(b("bbbb"));
    assertThat(c.size()).isEqualTo(1);
    assertThat(c.weightedSize()).isEqualTo(weight);
  }

  @Test
  void aScratchArrayStaysTheCallersWhetherTheWriteAddsOrOverwrites() {
    BoundedCache c = cache(RemovalListener.none());
    byte[] scratch = new byte[64];

    c.putPacked(scratch, pack(scratch, b("k"), b("aaaa")), Cache.DEFAULT_TTL);
    byte[] array = c.read(b("k"), ARRAY);
    assertThat(array).isNotSameAs(scratch).hasSize(PackedKeyValue.valueOffset(1) + 4);
    Arrays.fill(scratch, (byte) 'z');
    assertThat(c.get(b("k"))).isEqualTo(b("aaaa"));

    c.putPacked(scratch, pack(scratch, b("k"), b("bbbb")), Cache.DEFAULT_TTL);
    Arrays.fill(scratch, (byte) 'z');
    assertThat(c.read(b("k"), ARRAY)).isSameAs(array);
    assertThat(c.get(b("k"))).isEqualTo(b("bbbb"));
  }

  @Test
  void aScratchLengthPastTheArrayOrShortOfItsKeyIsRefusedAndChangesNothing() {
    BoundedCache c = cache(RemovalListener.none());
    c.put(b("k"), b("aaaa"));
    byte[] scratch = new byte[8];
    int length = pack(scratch, b("k"), b("bbbb"));

    assertThatThrownBy(() -> c.putPacked(scratch, scratch.length + 1, Cache.DEFAULT_TTL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.putPacked(scratch, 1, Cache.DEFAULT_TTL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.putPacked(scratch, 0, Cache.DEFAULT_TTL))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(c.get(b("k"))).isEqualTo(b("aaaa"));
    assertThat(c.size()).isEqualTo(1);
    c.putPacked(scratch, length, Cache.DEFAULT_TTL);
    assertThat(c.get(b("k"))).isEqualTo(b("bbbb"));
  }

  @Test
  void anotherLengthAnExpiryOrAnExpiringEntryTakeANewArray() {
    BoundedCache c = cache(RemovalListener.none());
    c.put(b("k"), b("aaaa"));
    byte[] first = c.read(b("k"), ARRAY);

    c.put(b("k"), b("aaaaa"));
    byte[] longer = c.read(b("k"), ARRAY);
    assertThat(longer).isNotSameAs(first);

    long expireAt = clock.millis() + 10_000;
    c.put(b("k"), b("bbbbb"), expireAt);
    byte[] timed = c.read(b("k"), ARRAY);
    assertThat(timed).isNotSameAs(longer);
    assertThat(c.expireAt(b("k"))).isEqualTo(expireAt);

    c.put(b("k"), b("ccccc"));
    assertThat(c.read(b("k"), ARRAY)).isNotSameAs(timed);
    assertThat(c.expireAt(b("k"))).isEqualTo(Cache.NO_EXPIRY);
    assertThat(c.get(b("k"))).isEqualTo(b("ccccc"));
  }

  @Test
  void aListenerOfReplacedValuesStillHearsThem() {
    List<String> heard = new ArrayList<>();
    BoundedCache c = cache((key, value, cause) ->
        heard.add(new String(value, StandardCharsets.US_ASCII) + " " + cause));
    c.put(b("k"), b("aaaa"));
    byte[] first = c.read(b("k"), ARRAY);

    c.put(b("k"), b("bbbb"));

    assertThat(heard).containsExactly("aaaa " + RemovalCause.REPLACED);
    assertThat(c.read(b("k"), ARRAY)).isNotSameAs(first);
  }

  @Test
  void aListenerOfEvictionsOnlyLetsValuesBeOverwritten() {
    RemovalListener evictionsOnly = new RemovalListener() {
      @Override
      public void onRemoval(byte[] key, byte[] value, RemovalCause cause) {}

      @Override
      public boolean automaticOnly() {
        return true;
      }
    };
    BoundedCache c = cache(evictionsOnly);
    c.put(b("k"), b("aaaa"));
    byte[] first = c.read(b("k"), ARRAY);

    c.put(b("k"), b("bbbb"));

    assertThat(c.read(b("k"), ARRAY)).isSameAs(first);
  }

  @Test
  void theEvictionPolicyCountsAnOverwriteAsAnAccess() {
    BoundedCache probe = cache(RemovalListener.none());
    probe.put(b("a"), b("0000"));
    long weight = probe.weightedSize();
    BoundedCache c = new BoundedCache("lru", CacheConfig.builder()
        .policy(EvictionPolicyKind.LRU).maxMemory(3 * weight).build(), clock,
        RemovalListener.none());
    c.put(b("a"), b("0000"));
    c.put(b("b"), b("0000"));
    c.put(b("c"), b("0000"));
    byte[] array = c.read(b("a"), ARRAY);
    c.put(b("b"), b("1111"));
    c.put(b("c"), b("1111"));

    c.put(b("a"), b("1111"));
    c.put(b("d"), b("0000"));

    assertThat(c.read(b("a"), ARRAY)).isSameAs(array);
    assertThat(c.containsKey(b("a"))).isTrue();
    assertThat(c.containsKey(b("b"))).as("least recently written, evicted").isFalse();
    assertThat(c.size()).isEqualTo(3);
  }

  @Test
  void readersNeverSeeHalfOfTwoValues() throws Exception {
    BoundedCache c = cache(RemovalListener.none());
    int keys = 4;
    int length = 512;
    for (int k = 0; k < keys; k++) {
      c.put(new byte[] {(byte) k}, new byte[length]);
    }
    ConcurrentSteps.run(3, 100_000, random -> {
      byte[] key = {(byte) random.nextInt(keys)};
      switch (random.nextInt(3)) {
        case 0 -> {
          byte[] value = new byte[length];
          Arrays.fill(value, (byte) random.nextInt(256));
          c.put(key, value);
        }
        case 1 -> assertUniform(c.get(key));
        default -> {
          // A reader that keeps what it copies and gives back a copy it is told to discard.
          List<byte[]> kept = new ArrayList<>();
          ValueReader<Integer> keeper = new ValueReader<>() {
            @Override
            public Integer read(byte[] array, int offset, int n, long expireAt) {
              kept.add(Arrays.copyOfRange(array, offset, offset + n));
              return kept.size();
            }

            @Override
            public void discard() {
              kept.removeLast();
            }
          };
          assertThat(c.read(key, keeper)).isEqualTo(1);
          assertThat(kept).hasSize(1);
          assertUniform(kept.getFirst());
        }
      }
    });
    assertThat(c.size()).isEqualTo(keys);
  }

  /** Every value written in the concurrent test is one byte repeated; a mix is a torn read. */
  private static void assertUniform(byte[] value) {
    for (byte x : value) {
      if (x != value[0]) {
        throw new AssertionError("a read saw two values: " + Arrays.toString(value));
      }
    }
  }
}
