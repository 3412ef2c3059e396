package io.tiercel.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/** The real databases the store tests run against, and direct SQL access to check them. */
public enum Databases {
  SQLITE, MARIADB, POSTGRESQL;

  private static final AtomicInteger TABLES = new AtomicInteger();

  /** Returns a URL of a fresh database (SQLite) or the shared server (MariaDB, PostgreSQL). */
  public String url() {
    return switch (this) {
      case SQLITE -> {
        try {
          Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
          yield "jdbc:sqlite:" + Files.createTempFile(target, "store-", ".db");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case MARIADB -> MariaDbTestServer.shared().url();
      case POSTGRESQL -> PostgresTestServer.shared().url();
    };
  }

  /** Returns a table name not used before in this JVM. */
  public static String freshTable() {
    return "t" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
  }

  /** Reads {@code v} of {@code key} straight from the database, or null. */
  public static byte[] select(String url, String table, byte[] key) {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
      ps.setBytes(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("no such table") || m.contains("doesn't exist")
          || m.contains("does not exist")) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  /** Returns the number of rows of {@code table}. */
  public static int count(String url, String table) {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("no such table") || m.contains("doesn't exist")
          || m.contains("does not exist")) {
        return 0;
      }
      throw new IllegalStateException(e);
    }
  }

  /** Writes a row straight into the database (as another application would). */
  public static void insert(String url, String table, byte[] key, byte[] value) {
    try (JdbcBackingStore s = new JdbcBackingStore(url, table, "k", "v", 1)) {
      s.store(key, value);
    }
  }
}
