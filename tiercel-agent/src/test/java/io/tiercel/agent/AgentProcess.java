package io.tiercel.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real agent ({@link AgentMain}) in a child JVM serving a UNIX socket, as an operator starts
 * one; stopped with SIGKILL by its PID. {@link #launch} returns at once so several agents can
 * start in parallel; {@link #awaitReady} then reads the {@code ready unixsocket=S} line.
 */
final class AgentProcess implements AutoCloseable {
  /** The line an agent prints on stdout once it accepts connections. */
  static final Pattern READY = Pattern.compile("ready unixsocket=(\\S+)( port=(\\d+))?");

  private final Process process;
  private final Path socket;

  private AgentProcess(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Launches an agent on {@code socket} for the node on {@code nodePort}, plus {@code extra}. */
  static AgentProcess launch(Path socket, int nodePort, String... extra) throws IOException {
    List<String> flags = new ArrayList<>(List.of("--unixsocket", socket.toString(), "--nodes",
        "127.0.0.1:" + nodePort, "--loglevel", "warn"));
    flags.addAll(List.of(extra));
    return new AgentProcess(
        NodeProcess.launch(AgentMain.class.getName(), flags.toArray(String[]::new)), socket);
  }

  /**
   * Returns once the agent printed its ready line naming its socket; fails if it printed
   * anything else or exited (its stdout then ends, so this never waits on a dead process).
   */
  AgentProcess awaitReady() throws IOException {
    String line = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    Matcher m = line == null ? null : READY.matcher(line);
    if (m == null || !m.matches() || !m.group(1).equals(socket.toString())) {
      process.destroyForcibly();
      throw new IOException("agent " + process.pid() + " on " + socket + " not ready: " + line);
    }
    return this;
  }

  /** Opens a RESP client on the agent's UNIX socket. */
  RespClient client() throws IOException {
    return RespClient.unix(socket);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the agent with SIGKILL (no shutdown hook runs) and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("agent " + process.pid() + " still alive after SIGKILL");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
