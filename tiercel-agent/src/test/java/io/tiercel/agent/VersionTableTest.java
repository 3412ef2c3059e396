package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.sync.HybridClock;
import io.tiercel.agent.sync.Stamp;
import io.tiercel.agent.sync.SyncMessage;
import io.tiercel.agent.sync.VersionTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-key version rule: only newer stamps apply; late, duplicate and evicted-old lose. */
class VersionTableTest {
  private static byte[] k(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void lateOlderMessageNeverOverwritesNewerValue() {
    VersionTable t = new VersionTable(100);
    List<String> applied = new ArrayList<>();
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(20, 1), () -> applied.add("v20")))
        .isTrue();
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(10, 2), () -> applied.add("v10")))
        .isFalse();
    assertThat(applied).containsExactly("v20");
    assertThat(t.stampOf("default", k("a"))).isEqualTo(new Stamp(20, 1));
  }

  @Test
  void applyingTheSameMessageTwiceIsANoOp() {
    VersionTable t = new VersionTable(100);
    List<String> applied = new ArrayList<>();
    Stamp s = new Stamp(5, 1);
    t.applyIfNewer("default", k("a"), s, () -> applied.add("once"));
    t.applyIfNewer("default", k("a"), s, () -> applied.add("twice"));
    assertThat(applied).containsExactly("once");
  }

  @Test
  void equalVersionsAreOrderedByOriginSoEveryAgentPicksTheSameWinner() {
    VersionTable t = new VersionTable(100);
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(7, 1), () -> {})).isTrue();
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(7, 9), () -> {})).isTrue();
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(7, 3), () -> {})).isFalse();
  }

  @Test
  void tombstoneKeepsItsVersionSoAnOlderSetCannotResurrectTheKey() {
    VersionTable t = new VersionTable(100);
    t.writeLocal("default", k("a"), () -> new Stamp(30, 1), () -> {});
    assertThat(t.applyIfNewer("default", k("a"), new Stamp(29, 2), () -> {})).isFalse();
  }

  @Test
  void keysOfDifferentCachesHaveSeparateVersions() {
    VersionTable t = new VersionTable(100);
    t.applyIfNewer("one", k("a"), new Stamp(50, 1), () -> {});
    assertThat(t.applyIfNewer("two", k("a"), new Stamp(10, 1), () -> {})).isTrue();
  }

  @Test
  void pastCapacityForgottenKeysRaiseAFloorThatOlderMessagesCannotPass() {
    VersionTable t = new VersionTable(8);
    for (int i = 1; i <= 9; i++) {
      t.applyIfNewer("default", k("k" + i), new Stamp(100 + i, 1), () -> {});
    }
    assertThat(t.size()).isLessThanOrEqualTo(8);
    // A key never seen, with a version below every forgotten one, might be older: ignored.
    assertThat(t.applyIfNewer("default", k("new"), new Stamp(50, 1), () -> {})).isFalse();
    assertThat(t.applyIfNewer("default", k("new"), new Stamp(1_000, 1), () -> {})).isTrue();
  }

  @Test
  void hybridClockIsMonotonicAndAdvancesPastObservedVersions() {
    AtomicLong wall = new AtomicLong(1_000);
    HybridClock c = new HybridClock(wall::get);
    long a = c.next();
    long b = c.next();
    assertThat(b).isGreaterThan(a);
    wall.set(500);
    assertThat(c.next()).isGreaterThan(b);
    long remote = (5_000L << 16) + 3;
    c.observe(remote);
    assertThat(c.next()).isGreaterThan(remote);
    assertThat(HybridClock.millisOf(remote)).isEqualTo(5_000);
  }

  @Test
  void syncMessageRoundTripsAndRejectsGarbage() {
    SyncMessage m = new SyncMessage(false, new Stamp(42, 7), 123, 456, "default", k("key"),
        k("value"));
    SyncMessage back = SyncMessage.decode(m.encode());
    assertThat(back.stamp()).isEqualTo(m.stamp());
    assertThat(back.key()).isEqualTo(k("key"));
    assertThat(back.value()).isEqualTo(k("value"));
    assertThat(back.expireAt()).isEqualTo(456);
    assertThat(SyncMessage.originOf(m.encode())).as("origin read without parsing").isEqualTo(7);
    assertThat(SyncMessage.originOf(k("short"))).isEqualTo(-1);
    SyncMessage del = SyncMessage.decode(
        new SyncMessage(true, new Stamp(1, 1), 0, -1, "c", k("x"), null).encode());
    assertThat(del.delete()).isTrue();
    assertThat(del.value()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SyncMessage.decode(k("xyz")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMessageEncodedFromAValueInPlaceIsTheMessageOfThatValue() {
    Stamp stamp = new Stamp(Long.MAX_VALUE, -7);
    byte[] stored = k("<key>value!");
    byte[] direct = SyncMessage.encode(false, stamp, 123, 456, k("caché"), k("key"), stored, 5, 5);
    SyncMessage m = new SyncMessage(false, stamp, 123, 456, "caché", k("key"), k("value"));
    assertThat(direct).isEqualTo(m.encode());
    SyncMessage back = SyncMessage.decode(direct);
    assertThat(back.cache()).isEqualTo("caché");
    assertThat(back.value()).isEqualTo(k("value"));
    assertThat(back.stamp()).isEqualTo(stamp);
    assertThat(SyncMessage.encode(true, stamp, 0, -1, k("c"), k("x"), stored, 0, 0))
        .isEqualTo(new SyncMessage(true, stamp, 0, -1, "c", k("x"), null).encode());
  }
}
