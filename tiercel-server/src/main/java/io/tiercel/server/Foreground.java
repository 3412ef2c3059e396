package io.tiercel.server;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import sun.misc.Signal;

/** Runs a started process (node or agent) in the foreground until it is told to stop. */
public final class Foreground {
  private Foreground() {}

  /**
   * Prints {@code readyLine} on {@code out} (and logs it), then waits until SIGTERM, SIGINT or
   * JVM shutdown runs {@code close}; a signal exits 0 once {@code close} has finished in-flight
   * replies.
   */
  @SuppressWarnings("removal")
  public static void runUntilStopped(
      String threadName, String readyLine, Runnable close, PrintStream out, Logger log)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      close.run();
      stopped.countDown();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, threadName));
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          stop.run();
          System.exit(0);
        });
      } catch (IllegalArgumentException e) {
        log.debug("cannot handle SIG{}; the shutdown hook still closes gracefully", name, e);
      }
    }
    log.info(readyLine);
    out.println(readyLine);
    out.flush();
    stopped.await();
  }
}
