package io.tiercel.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tiercel.core.backing.BackingStore;
import io.tiercel.core.backing.BackingStoreException;
import io.tiercel.core.ByteKey;
import io.tiercel.core.backing.Identifiers;
import io.tiercel.core.backing.StoreOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link BackingStore} in one table of one JDBC database, through a HikariCP pool.
 *
 * <p>Design: a table {@code (k key-bytes PRIMARY KEY, v value-bytes)} per cache, created on first
 * use rather than at start, so a node whose database is down still starts, serves hits and queues
 * writes. Bulk writes are multi-row upserts of up to {@value #ROWS_PER_STATEMENT} rows in one
 * transaction: a batch of 500 coalesced writes costs one statement and one commit, which is
 * where write-behind's advantage over write-through comes from. The pool fails fast
 * (connection timeout 1 s) so an outage turns into a {@link BackingStoreException} quickly and
 * the write queue's backoff takes over. Every statement is counted for the benchmarks.
 */
public final class JdbcBackingStore implements BackingStore {
  static final int ROWS_PER_STATEMENT = 500;

  private final String url;
  private final SqlDialect dialect;
  private final String table;
  private final String k;
  private final String v;
  private final HikariDataSource pool;
  private final LongAdder statements = new LongAdder();
  private volatile boolean tableReady;

  /**
   * Opens a pool of up to {@code poolSize} connections to {@code url}; the table is
   * {@code table(keyColumn, valueColumn)}, created when first needed.
   */
  public JdbcBackingStore(String url, String table, String keyColumn, String valueColumn,
      int poolSize) {
    this.url = url;
    this.dialect = SqlDialect.of(url);
    this.table = Identifiers.require("table", table);
    this.k = Identifiers.require("key-column", keyColumn);
    this.v = Identifiers.require("value-column", valueColumn);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setPoolName("tiercel-" + table);
    hc.setMaximumPoolSize(dialect == SqlDialect.SQLITE ? 1 : Math.max(1, poolSize));
    hc.setMinimumIdle(dialect == SqlDialect.SQLITE ? 1 : Math.min(2, poolSize));
    hc.setConnectionTimeout(1_000);
    hc.setValidationTimeout(500);
    hc.setInitializationFailTimeout(-1);
    hc.setAutoCommit(true);
    if (dialect == SqlDialect.SQLITE) {
      hc.setConnectionInitSql("PRAGMA busy_timeout = 10000");
    }
    this.pool = new HikariDataSource(hc);
  }

  /** Opens a store for {@code options}' table settings, defaulting the table to {@code cache}. */
  public static JdbcBackingStore open(String url, String cache, StoreOptions options) {
    return new JdbcBackingStore(url, options.tableFor(cache), options.keyColumn(),
        options.valueColumn(), options.lanes() + 2);
  }

  /** Returns the dialect spoken. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** Returns the table name. */
  public String table() {
    return table;
  }

  private Connection connection() throws SQLException {
    Connection c = pool.getConnection();
    if (!tableReady) {
      try (Statement st = c.createStatement()) {
        if (dialect == SqlDialect.SQLITE) {
          st.execute("PRAGMA journal_mode = WAL");
        }
        st.execute(dialect.createTable(table, k, v));
        statements.increment();
        tableReady = true;
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  private BackingStoreException fail(String what, SQLException e) {
    return new BackingStoreException(what + " failed on " + describe() + ": " + e.getMessage(), e);
  }

  private void checkKey(byte[] key) {
    if (key.length > dialect.maxKeyLength()) {
      throw new BackingStoreException("key of " + key.length + " bytes is longer than the "
          + dialect.maxKeyLength() + " bytes the " + table + "." + k + " column holds");
    }
  }

  @Override
  public byte[] load(byte[] key) {
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement(dialect.select(table, k, v, 1))) {
      ps.setBytes(1, key);
      statements.increment();
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(2) : null;
      }
    } catch (SQLException e) {
      throw fail("load", e);
    }
  }

  @Override
  public Map<ByteKey, byte[]> loadAll(Collection<ByteKey> keys) {
    Map<ByteKey, byte[]> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    try (Connection c = connection()) {
      for (List<ByteKey> chunk : chunks(new ArrayList<>(keys))) {
        try (PreparedStatement ps = c.prepareStatement(dialect.select(table, k, v, chunk.size()))) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setBytes(i + 1, chunk.get(i).bytes());
          }
          statements.increment();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(ByteKey.of(rs.getBytes(1)), rs.getBytes(2));
            }
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail("loadAll", e);
    }
  }

  @Override
  public void store(byte[] key, byte[] value) {
    checkKey(key);
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement(dialect.upsert(table, k, v, 1))) {
      ps.setBytes(1, key);
      ps.setBytes(2, value);
      statements.increment();
      ps.executeUpdate();
    } catch (SQLException e) {
      throw fail("store", e);
    }
  }

  @Override
  public void storeAll(Map<ByteKey, byte[]> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<Map.Entry<ByteKey, byte[]>> rows = new ArrayList<>(entries.entrySet());
    for (Map.Entry<ByteKey, byte[]> e : rows) {
      checkKey(e.getKey().bytes());
    }
    try (Connection c = connection()) {
      inTransaction(c, () -> {
        for (List<Map.Entry<ByteKey, byte[]>> chunk : chunks(rows)) {
          try (PreparedStatement ps = c.prepareStatement(dialect.upsert(table, k, v,
              chunk.size()))) {
            int p = 1;
            for (Map.Entry<ByteKey, byte[]> e : chunk) {
              ps.setBytes(p++, e.getKey().bytes());
              ps.setBytes(p++, e.getValue());
            }
            statements.increment();
            ps.executeUpdate();
          }
        }
      });
    } catch (SQLException e) {
      throw fail("storeAll", e);
    }
  }

  @Override
  public void delete(byte[] key) {
    deleteAll(List.of(ByteKey.of(key)));
  }

  @Override
  public void deleteAll(Collection<ByteKey> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try (Connection c = connection()) {
      List<ByteKey> list = new ArrayList<>(keys);
      inTransaction(c, () -> {
        for (List<ByteKey> chunk : chunks(list)) {
          try (PreparedStatement ps = c.prepareStatement(dialect.delete(table, k,
              chunk.size()))) {
            for (int i = 0; i < chunk.size(); i++) {
              ps.setBytes(i + 1, chunk.get(i).bytes());
            }
            statements.increment();
            ps.executeUpdate();
          }
        }
      });
    } catch (SQLException e) {
      throw fail("deleteAll", e);
    }
  }

  /** Statements of a transaction. */
  @FunctionalInterface
  private interface SqlWork {
    void run() throws SQLException;
  }

  /** Runs {@code work} in one transaction when it spans several statements. */
  private static void inTransaction(Connection c, SqlWork work) throws SQLException {
    c.setAutoCommit(false);
    try {
      work.run();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static <T> List<List<T>> chunks(List<T> all) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += ROWS_PER_STATEMENT) {
      out.add(all.subList(i, Math.min(all.size(), i + ROWS_PER_STATEMENT)));
    }
    return out;
  }

  @Override
  public long statements() {
    return statements.sum();
  }

  @Override
  public String describe() {
    return StoreOptions.redact(url.split("\\?")[0]) + " table " + table;
  }

  @Override
  public void close() {
    pool.close();
  }
}
