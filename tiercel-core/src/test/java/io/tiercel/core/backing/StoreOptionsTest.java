package io.tiercel.core.backing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {

  @Test
  void parsesEveryOptionAndDefaultsTheRest() {
    StoreOptions o = StoreOptions.parse(Map.of("store", "jdbc:sqlite:/tmp/u.db", "mode",
        "write-behind", "flush-interval", "5s", "batch_size", "100", "on-full", "error"));
    assertThat(o.enabled()).isTrue();
    assertThat(o.mode()).isEqualTo(StoreMode.WRITE_BEHIND);
    assertThat(o.flushInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.batchSize()).isEqualTo(100);
    assertThat(o.blockWhenFull()).isFalse();
    assertThat(o.queueBound()).isEqualTo(100_000);
    assertThat(o.tableFor("user-sessions.v2")).isEqualTo("user_sessions_v2");
    assertThat(StoreOptions.parse(Map.of("store", "jdbc:sqlite:x")).mode())
        .isEqualTo(StoreMode.WRITE_THROUGH);
    assertThat(StoreOptions.none().enabled()).isFalse();
  }

  @Test
  void rejectsBadValuesNamingTheOption() {
    assertThatThrownBy(() -> StoreOptions.parse(Map.of("mode", "write-behind")))
        .hasMessageContaining("needs store=");
    assertThatThrownBy(() -> StoreOptions.parse(Map.of("store", "jdbc:x", "mode", "sideways")))
        .hasMessageContaining("mode: 'sideways'");
    assertThatThrownBy(() -> StoreOptions.parse(Map.of("store", "jdbc:x", "table", "a;drop")))
        .hasMessageContaining("table");
    assertThatThrownBy(() -> StoreOptions.parse(Map.of("store", "jdbc:x", "batch-size", "0")))
        .hasMessageContaining("batch-size");
    assertThatThrownBy(() -> StoreOptions.parse(Map.of("colour", "red")))
        .hasMessageContaining("unknown key 'colour'");
  }

  @Test
  void redactsPasswordsInUrls() {
    assertThat(StoreOptions.redact("jdbc:mariadb://h/db?user=u&password=secret&x=1"))
        .isEqualTo("jdbc:mariadb://h/db?user=u&password=***&x=1");
  }
}
