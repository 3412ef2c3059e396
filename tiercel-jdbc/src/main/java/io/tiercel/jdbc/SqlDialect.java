package io.tiercel.jdbc;

import java.util.Locale;

/**
 * The SQL a JDBC store needs, per database: a key-value table, multi-row upsert, select and
 * delete by key lists. Identifiers are validated before they get here, so they are spliced in
 * as they are; keys and values are always bound parameters.
 */
public enum SqlDialect {
  /** MariaDB and MySQL: VARBINARY primary key (InnoDB index limit 3072 bytes), LONGBLOB value. */
  MARIADB("VARBINARY(3072)", "LONGBLOB", 3072) {
    @Override
    String upsertTail(String keyColumn, String valueColumn) {
      return " ON DUPLICATE KEY UPDATE " + valueColumn + " = VALUES(" + valueColumn + ")";
    }
  },
  /** PostgreSQL: BYTEA key and value. */
  POSTGRESQL("BYTEA", "BYTEA", Integer.MAX_VALUE) {
    @Override
    String upsertTail(String keyColumn, String valueColumn) {
      return " ON CONFLICT (" + keyColumn + ") DO UPDATE SET " + valueColumn + " = EXCLUDED."
          + valueColumn;
    }
  },
  /** SQLite (3.24+): BLOB key and value; the embedded default that needs no server. */
  SQLITE("BLOB", "BLOB", Integer.MAX_VALUE) {
    @Override
    String upsertTail(String keyColumn, String valueColumn) {
      return " ON CONFLICT (" + keyColumn + ") DO UPDATE SET " + valueColumn + " = excluded."
          + valueColumn;
    }
  };

  private final String keyType;
  private final String valueType;
  private final int maxKeyLength;

  SqlDialect(String keyType, String valueType, int maxKeyLength) {
    this.keyType = keyType;
    this.valueType = valueType;
    this.maxKeyLength = maxKeyLength;
  }

  /** Returns the dialect of a JDBC URL, failing for databases Tiercel does not speak. */
  public static SqlDialect of(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
      return MARIADB;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (u.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    throw new IllegalArgumentException("store: '" + url.split("\\?")[0]
        + "' (expected: a jdbc:mariadb:, jdbc:mysql:, jdbc:postgresql: or jdbc:sqlite: URL)");
  }

  /** Returns the longest key the table's key column holds, in bytes. */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  abstract String upsertTail(String keyColumn, String valueColumn);

  /** Returns the statement that creates the table if it is missing. */
  public String createTable(String table, String k, String v) {
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + k + " " + keyType
        + " NOT NULL PRIMARY KEY, " + v + " " + valueType + " NOT NULL)";
  }

  /** Returns a multi-row upsert of {@code rows} rows. */
  public String upsert(String table, String k, String v, int rows) {
    StringBuilder sb = new StringBuilder("INSERT INTO ").append(table).append(" (").append(k)
        .append(", ").append(v).append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sb.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sb.append(upsertTail(k, v)).toString();
  }

  /** Returns a select of the values of {@code keys} keys. */
  public String select(String table, String k, String v, int keys) {
    return "SELECT " + k + ", " + v + " FROM " + table + " WHERE " + k + " IN ("
        + placeholders(keys) + ")";
  }

  /** Returns a delete of {@code keys} keys. */
  public String delete(String table, String k, int keys) {
    return "DELETE FROM " + table + " WHERE " + k + " IN (" + placeholders(keys) + ")";
  }

  private static String placeholders(int n) {
    StringBuilder sb = new StringBuilder(n * 3);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }
}
