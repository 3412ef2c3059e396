package io.tiercel.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A running {@link EmbeddedWorker} JVM: send it a command, read its one-line answer. */
final class WorkerProcess implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private final Process process;
  private final PrintStream in;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final String name;

  private WorkerProcess(Process process, String name) {
    this.process = process;
    this.name = name;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The process died; EOF below tells the waiter.
      }
      lines.add(EOF);
    }, "worker-reader-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a worker on cache {@code cache} under {@code root}, with this JVM's java binary and
   * test class path; its stderr goes to {@code log}.
   */
  static WorkerProcess start(String name, Path root, String cache, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EmbeddedWorker.class.getName());
    command.add(root.toString());
    command.add(cache);
    Process p = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new WorkerProcess(p, name);
  }

  /** Returns the next line the worker printed, waiting up to {@code seconds}. */
  String read(int seconds) throws InterruptedException {
    String line = lines.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError(name + ": no answer within " + seconds + " s");
    }
    if (line.equals(EOF)) {
      throw new AssertionError(name + ": the process exited (" + exitCode() + ")");
    }
    return line;
  }

  /** Sends {@code command} and returns the answer. */
  String ask(String command) throws InterruptedException {
    return ask(command, 60);
  }

  /** Sends {@code command} without waiting for the answer ({@link #read} it later). */
  void send(String command) {
    in.println(command);
  }

  /** Sends {@code command} and returns the answer, waiting up to {@code seconds}. */
  String ask(String command, int seconds) throws InterruptedException {
    in.println(command);
    return read(seconds);
  }

  /** Returns whether the worker serves the cache now. */
  boolean serving() throws InterruptedException {
    return ask("serving").equals("serving true");
  }

  /** Kills the process with SIGKILL and waits for it to be gone. */
  void killDashNine() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not die");
    }
  }

  /** Returns the process id. */
  long pid() {
    return process.pid();
  }

  private String exitCode() {
    return process.isAlive() ? "alive" : "exit " + process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
