package io.tiercel.bench.jmh;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.tiercel.bench.BytesKey;
import io.tiercel.client.EmbeddedCache;
import io.tiercel.client.EmbeddedOptions;
import io.tiercel.client.Tiercel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Read throughput of an embedded cache ({@code Tiercel.open}) next to Caffeine, on the keys,
 * values and Zipf draws of {@link GetPutBenchmark} (10-byte keys, 100-byte values, every read a
 * hit).
 *
 * <ul>
 *   <li>{@code embedded}: this process serves the cache, so {@link EmbeddedCache#get(byte[])}
 *       goes straight to the in-process store (it copies the key and the value).
 *   <li>{@code embedded_remote}: a child JVM serves the cache and this process is a connected
 *       one: every get is a RESP round trip over the cache's UNIX socket.
 *   <li>{@code caffeine}, {@code caffeine_bytes}: Caffeine looked up with the stored key objects,
 *       and with a fresh key wrapper per read (what a byte-keyed cache pays), as in
 *       {@link GetPutBenchmark}.
 * </ul>
 *
 * <pre>{@code
 * bin/tiercel bench jmh EmbeddedGetBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s    # 1 and 2 threads
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EmbeddedGetBenchmark {
  /** Which cache and path. */
  @Param({"embedded", "embedded_remote", "caffeine", "caffeine_bytes"})
  String impl;

  private Path root;
  private Process server;
  private EmbeddedCache embedded;
  private com.github.benmanes.caffeine.cache.Cache<BytesKey, byte[]> caffeine;
  private boolean freshKeys;
  private byte[][] keys;
  private BytesKey[] boxedKeys;

  /** Each thread walks the shared draw sequence from its own random start. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index = ThreadLocalRandom.current().nextInt();
  }

  /** Builds the keys and the filled cache (starting the serving child for the remote case). */
  @Setup(Level.Trial)
  public void setup() throws Exception {
    int[] draws = Zipf.draw(GetPutBenchmark.ITEMS, GetPutBenchmark.SIZE, 0x7133_CE1L);
    byte[][] itemKeys = new byte[GetPutBenchmark.ITEMS][];
    BytesKey[] itemBoxed = new BytesKey[GetPutBenchmark.ITEMS];
    for (int i = 0; i < itemKeys.length; i++) {
      itemKeys[i] = GetPutBenchmark.key(i);
      itemBoxed[i] = new BytesKey(itemKeys[i]);
    }
    keys = new byte[GetPutBenchmark.SIZE][];
    boxedKeys = new BytesKey[GetPutBenchmark.SIZE];
    for (int i = 0; i < GetPutBenchmark.SIZE; i++) {
      keys[i] = itemKeys[draws[i]];
      boxedKeys[i] = itemBoxed[draws[i]];
    }
    byte[] value = new byte[GetPutBenchmark.VALUE_SIZE];
    ThreadLocalRandom.current().nextBytes(value);
    switch (impl) {
      case "embedded", "embedded_remote" -> {
        root = Files.createTempDirectory("tiercel-jmh");
        if (impl.equals("embedded_remote")) {
          server = startServer(root);
        }
        embedded = Tiercel.open("jmh", options(root));
        if (embedded.isServing() != impl.equals("embedded")) {
          throw new IllegalStateException(impl + ": isServing() = " + embedded.isServing());
        }
        for (byte[] key : itemKeys) {
          embedded.set(key, value);
        }
      }
      case "caffeine", "caffeine_bytes" -> {
        freshKeys = impl.equals("caffeine_bytes");
        caffeine = Caffeine.newBuilder().maximumSize(2L * GetPutBenchmark.SIZE).build();
        for (BytesKey key : itemBoxed) {
          caffeine.put(key, value);
        }
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  private static EmbeddedOptions options(Path root) {
    // Writes are only the fill: everysec keeps it quick; reads are what is measured.
    return EmbeddedOptions.builder().root(root).appendFsync("everysec").logFile(false)
        .logLevel("warn").build();
  }

  /** Starts a JVM that serves the cache until its stdin closes; returns once it serves. */
  private static Process startServer(Path root) throws IOException {
    Process p = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Serve.class.getName(), root.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (!"serving".equals(line)) {
      p.destroyForcibly();
      throw new IllegalStateException("the serving JVM said: " + line);
    }
    return p;
  }

  /** Reads one key; every read hits. */
  @Benchmark
  public byte[] get(ThreadState thread) {
    int i = thread.index++ & GetPutBenchmark.MASK;
    if (caffeine != null) {
      return caffeine.getIfPresent(freshKeys ? new BytesKey(keys[i]) : boxedKeys[i]);
    }
    return embedded.get(keys[i]);
  }

  /** Closes the cache, stops the serving child and removes the directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (embedded != null) {
      embedded.close();
    }
    if (server != null) {
      server.getOutputStream().close();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    if (root != null) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The serving JVM of {@code embedded_remote}: opens the cache, says so, waits for EOF. */
  public static final class Serve {
    private Serve() {}

    /** Serves the cache under {@code args[0]} until stdin closes. */
    public static void main(String[] args) throws IOException {
      EmbeddedCache cache = Tiercel.open("jmh", options(Path.of(args[0])));
      System.out.println(cache.isServing() ? "serving" : "not serving");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for the benchmark to close stdin.
      }
      cache.close();
      System.exit(0);
    }
  }
}
