package io.tiercel.jdbc;

import static io.tiercel.jdbc.StoreFixture.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.backing.BackingStoreException;
import io.tiercel.core.ByteKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class JdbcBackingStoreTest {

  @ParameterizedTest
  @EnumSource(Databases.class)
  void storesLoadsAndDeletesRowsInATableItCreates(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    try (JdbcBackingStore s = new JdbcBackingStore(url, table, "k", "v", 2)) {
      assertThat(s.load(b("a"))).isNull();
      s.store(b("a"), b("1"));
      s.store(b("a"), b("2"));
      assertThat(s.load(b("a"))).isEqualTo(b("2"));
      Map<ByteKey, byte[]> many = new LinkedHashMap<>();
      for (int i = 0; i < 1200; i++) {
        many.put(ByteKey.of(b("k" + i)), b("v" + i));
      }
      s.storeAll(many);
      assertThat(Databases.count(url, table)).isEqualTo(1201);
      Map<ByteKey, byte[]> loaded = s.loadAll(List.of(ByteKey.of(b("k7")),
          ByteKey.of(b("k1100")), ByteKey.of(b("nope"))));
      assertThat(loaded).hasSize(2);
      assertThat(loaded.get(ByteKey.of(b("k1100")))).isEqualTo(b("v1100"));
      s.delete(b("a"));
      s.deleteAll(List.of(ByteKey.of(b("k1")), ByteKey.of(b("k2"))));
      assertThat(Databases.count(url, table)).isEqualTo(1198);
      assertThat(Databases.select(url, table, b("k3"))).isEqualTo(b("v3"));
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void binaryKeysAndValuesRoundTrip(Databases db) {
    byte[] key = {0, (byte) 0xff, 10, 13, '\'', '"'};
    byte[] value = new byte[70_000];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    try (JdbcBackingStore s = new JdbcBackingStore(db.url(), Databases.freshTable(), "k", "v", 1)) {
      s.store(key, value);
      assertThat(s.load(key)).isEqualTo(value);
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void tableAndColumnNamesAreConfigurable(Databases db) {
    String url = db.url();
    String table = "custom_" + Databases.freshTable();
    try (JdbcBackingStore s = new JdbcBackingStore(url, table, "cache_key", "cache_value", 1)) {
      s.store(b("x"), b("y"));
    }
    try (JdbcBackingStore s = new JdbcBackingStore(url, table, "cache_key", "cache_value", 1)) {
      assertThat(s.load(b("x"))).isEqualTo(b("y"));
    }
  }

  @Test
  void identifiersThatCouldCarrySqlAreRejected() {
    for (String bad : List.of("users; DROP TABLE x", "a b", "t`", "1abc", "", "x--")) {
      assertThatThrownBy(() -> new JdbcBackingStore("jdbc:sqlite::memory:", bad, "k", "v", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table");
    }
    assertThatThrownBy(() -> new JdbcBackingStore("jdbc:sqlite::memory:", "t", "k)", "v", 1))
        .hasMessageContaining("key-column");
    assertThatThrownBy(() -> new JdbcBackingStore("jdbc:oracle:thin:@x", "t", "k", "v", 1))
        .hasMessageContaining("jdbc:mariadb:");
  }

  @Test
  void mariaDbKeyLongerThanTheColumnIsAClearError() {
    try (JdbcBackingStore s = new JdbcBackingStore(Databases.MARIADB.url(),
        Databases.freshTable(), "k", "v", 1)) {
      assertThatThrownBy(() -> s.store(new byte[4000], b("v")))
          .isInstanceOf(BackingStoreException.class).hasMessageContaining("3072");
    }
  }

  @Test
  void unreachableDatabaseFailsFastWithBackingStoreException() throws Exception {
    String url = "jdbc:mariadb://127.0.0.1:" + MariaDbTestServer.freePort() + "/tiercel?user=root";
    try (JdbcBackingStore s = new JdbcBackingStore(url, "t", "k", "v", 1)) {
      assertThatThrownBy(() -> s.load(b("a"))).isInstanceOf(BackingStoreException.class)
          .hasMessageContaining("load failed");
    }
  }
}
