package io.tiercel.jdbc;

import java.nio.file.Path;

/**
 * A throwaway PostgreSQL server for tests and benchmarks, one per JVM, started on first use
 * through {@code dev-support/postgres-test-server.sh} on a free loopback port with its own data
 * directory under {@code target/}; stopped when the JVM exits.
 */
public final class PostgresTestServer {
  private static PostgresTestServer shared;

  private final TestServerScript script;

  private PostgresTestServer(TestServerScript script) {
    this.script = script;
  }

  /** Returns the JVM's server under {@code target/}, starting it the first time. */
  public static synchronized PostgresTestServer shared() {
    if (shared == null) {
      shared = new PostgresTestServer(TestServerScript.create("postgres-test-server.sh",
          Path.of("target"), "postgres-"));
      shared.script.start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared.script::stop));
    }
    return shared;
  }

  /** Returns a JDBC URL of the {@code tiercel} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + script.port() + "/tiercel?user=tiercel";
  }
}
