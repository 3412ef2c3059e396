package io.tiercel.agent;

import io.tiercel.server.Foreground;
import io.tiercel.server.HeapPacer;
import io.tiercel.server.config.LogSetup;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code bin/tiercel agent}: parses flags, starts an agent, prints
 * {@code ready unixsocket=S [port=P]} on stdout, and on SIGTERM or SIGINT finishes in-flight
 * replies and exits 0. A bad flag prints usage and exits 2.
 */
public final class AgentMain {
  private AgentMain() {}

  /** Runs an agent until it is signalled to stop. */
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
    HeapPacer.startIfApplicable(HeapPacer.AGENT_FLOOR);
    TiercelAgent agent = new TiercelAgent(config);
    try {
      agent.start();
    } catch (Exception e) {
      err.println("tiercel agent: cannot start: " + e);
      log.error("cannot start", e);
      System.exit(1);
      return;
    }
    Foreground.runUntilStopped(
        "tiercel-agent-shutdown", agent.readyLine(), agent::close, out, log);
  }
}
