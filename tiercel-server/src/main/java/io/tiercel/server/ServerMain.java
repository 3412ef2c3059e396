package io.tiercel.server;

import io.tiercel.server.config.LogSetup;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code bin/tiercel server}: parses flags, starts a node, prints the ready
 * line on stdout, and on SIGTERM or SIGINT finishes in-flight replies and exits 0. A bad flag
 * prints usage and exits 2.
 */
public final class ServerMain {
  private ServerMain() {}

  /** Runs a node until it is signalled to stop. */
  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ServerConfig config;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(ServerConfig.USAGE);
        out.flush();
        System.exit(0);
      }
    }
    try {
      config = ServerConfig.parse(args);
      config.respLimits();
    } catch (IllegalArgumentException e) {
      err.println("tiercel server: " + e.getMessage());
      err.print(ServerConfig.USAGE);
      err.flush();
      System.exit(2);
      return;
    }
    try {
      LogSetup.apply(config);
    } catch (RuntimeException e) {
      err.println("tiercel server: " + e.getMessage());
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(ServerMain.class);
    log.info("starting tiercel {} (pid {}, java {}){}", version(), ProcessHandle.current().pid(),
        Runtime.version(), config.configFile() == null ? "" : ", config " + config.configFile());
    // Paced before the first request, so the heap never grows into pages it does not need.
    HeapPacer.startIfApplicable(HeapPacer.NODE_FLOOR);
    TiercelServer server = new TiercelServer(config);
    try {
      server.start();
    } catch (Exception e) {
      err.println("tiercel server: cannot start: " + e);
      log.error("cannot start", e);
      System.exit(1);
      return;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Foreground.runUntilStopped("tiercel-shutdown", server.readyLine(), () -> {
      if (stopping.compareAndSet(false, true)) {
        log.info("shutting down");
      }
      server.close();
    }, out, log);
  }

  private static String version() {
    String v = ServerMain.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }
}
