package io.tiercel.agent;

import io.tiercel.server.ServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A real node in a child JVM, started from the test classpath; killed with SIGKILL. */
final class NodeProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("ready port=(\\d+) .*");

  private final Process process;
  private final int port;

  private NodeProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a node on {@code port} (0 for a free one) and waits for its ready line. */
  static NodeProcess start(int port) throws IOException {
    return start(ServerMain.class.getName(), "--port", Integer.toString(port), "--loglevel",
        "warn");
  }

  /** Starts a node on {@code port} with its test hooks on ({@code SYNCHUB DEBUG}). */
  static NodeProcess startWithDebugHooks(int port) throws IOException {
    return start(ServerMain.class.getName(), "--port", Integer.toString(port), "--loglevel",
        "warn", "--enable-debug-command", "local");
  }

  /** Starts {@code mainClass} with {@code flags}, returning once it printed its ready line. */
  static NodeProcess start(String mainClass, String... flags) throws IOException {
    Process p = launch(mainClass, flags);
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    Matcher m = line == null ? null : READY.matcher(line);
    if (m == null || !m.matches()) {
      p.destroyForcibly();
      throw new IOException("no ready line from " + mainClass + ": " + line);
    }
    return new NodeProcess(p, Integer.parseInt(m.group(1)));
  }

  /** Launches {@code mainClass} in a child JVM with this test's classpath. */
  static Process launch(String mainClass, String... flags) throws IOException {
    return launch(List.of(), mainClass, flags);
  }

  /** Starts {@code mainClass} as {@link #launch(String, String...)} does, with JVM flags. */
  static Process launch(List<String> jvmFlags, String mainClass, String... flags)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add(mainClass);
    command.addAll(List.of(flags));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  int port() {
    return port;
  }

  /**
   * Stops the node with SIGSTOP and returns once every one of its threads has stopped: it holds
   * its connections but answers nothing until resumed. {@code kill} returning is not enough: the
   * kernel wakes one thread to start the group stop, and until that thread gets a CPU (a while on
   * a loaded machine) the others run on, so a request sent at once could still be answered.
   */
  void suspend() throws Exception {
    signal("STOP");
    Poll.until("every thread of node " + process.pid() + " stopped", 20, this::allThreadsStopped);
  }

  /** Returns whether every live thread of the node is in state T (stopped), from /proc. */
  private boolean allThreadsStopped() throws IOException {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (NoSuchFileException exited) {
          continue;
        }
        // "tid (comm) S ...": the name may hold spaces and parentheses, the state follows the last.
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state != 'T' && state != 'Z' && state != 'X') {
          return false;
        }
      }
    }
    return true;
  }

  /** Lets a suspended node run again (SIGCONT). */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Kills the node with SIGKILL and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
