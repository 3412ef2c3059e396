package io.tiercel.agent;

import io.tiercel.server.config.LogSetup;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The entry point of {@code bin/tiercel agent}: parses flags, starts an agent, prints
 * {@code ready unixsocket=S [port=P]} on stdout, and on SIGTERM or SIGINT finishes in-flight
 * replies and exits 0. A bad flag prints usage and exits 2.
 */
public final class AgentMain {
  private AgentMain() {}

  /** Runs an agent until it is signalled to stop. */
  @SuppressWarnings("removal")
  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(AgentConfig.USAGE);
        out.flush();
        System.exit(0);
      }
    }
    AgentConfig config;
    try {
      config = AgentConfig.parse(args);
      LogSetup.apply(config.store());
    } catch (IllegalArgumentException e) {
      err.println("tiercel agent: " + e.getMessage());
      err.print(AgentConfig.USAGE);
      err.flush();
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(AgentMain.class);
    TiercelAgent agent = new TiercelAgent(config);
    try {
      agent.start();
    } catch (Exception e) {
      err.println("tiercel agent: cannot start: " + e);
      log.error("cannot start", e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      agent.close();
      stopped.countDown();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "tiercel-agent-shutdown"));
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
    log.info(agent.readyLine());
    out.println(agent.readyLine());
    out.flush();
    stopped.await();
  }
}
