package io.tiercel.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM process that opens one embedded cache and obeys one command per stdin line, answering
 * one line on stdout each: the other side of {@link EmbeddedMultiProcessTest}. Usage:
 * {@code EmbeddedWorker ROOT NAME}; commands are {@code set K V}, {@code get K}, {@code pop K},
 * {@code purge}, {@code serving}, {@code fill P N}, {@code check P N [SKIP,...]},
 * {@code writeloop P N}, {@code acked}, {@code awaitloop}, {@code hammer THREADS OPS},
 * {@code close}.
 */
public final class EmbeddedWorker {
  private EmbeddedWorker() {}

  /** Opens the cache, prints {@code open serving=B}, then serves commands until stdin ends. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    EmbeddedOptions options = EmbeddedOptions.builder().root(Path.of(args[0]))
        .snapshotInterval(Duration.ofSeconds(1)).logLevel("info")
        .handoverTimeout(Duration.ofSeconds(20)).build();
    EmbeddedCache cache = Tiercel.open(args[1], options);
    out.println("open serving=" + cache.isServing());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    AtomicInteger acked = new AtomicInteger();
    AtomicLong slowestNanos = new AtomicLong();
    List<Integer> failed = new ArrayList<>();
    CompletableFuture<String> loop = null;
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split(" ");
      try {
        switch (w[0]) {
          case "set" -> {
            cache.set(w[1], w[2]);
            out.println("ok");
          }
          case "get" -> out.println("value " + cache.get(w[1]));
          case "pop" -> out.println("value " + cache.pop(w[1]));
          case "purge" -> {
            cache.purge();
            out.println("ok");
          }
          case "serving" -> out.println("serving " + cache.isServing());
          case "fill" -> {
            int n = Integer.parseInt(w[2]);
            for (int i = 0; i < n; i++) {
              cache.set(w[1] + i, value(w[1], i));
            }
            out.println("ok " + n);
          }
          case "check" -> out.println(check(cache, w));
          case "writeloop" -> {
            String prefix = w[1];
            int n = Integer.parseInt(w[2]);
            loop = CompletableFuture.supplyAsync(() -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                long began = System.nanoTime();
                try {
                  cache.set(prefix + i, value(prefix, i));
                  acked.incrementAndGet();
                } catch (CacheUnavailableException e) {
                  synchronized (failed) {
                    failed.add(i);
                  }
                }
                slowestNanos.accumulateAndGet(System.nanoTime() - began, Math::max);
              }
              return "done";
            });
            out.println("ok");
          }
          case "acked" -> out.println("acked " + acked.get());
          case "awaitloop" -> {
            loop.get(90, TimeUnit.SECONDS);
            synchronized (failed) {
              out.println("acked=" + acked.get() + " slowest_ms="
                  + TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()) + " failed="
                  + failed.toString()
                  .replace(" ", "").replace("[", "").replace("]", ""));
            }
          }
          case "hammer" -> out.println(hammer(cache, Integer.parseInt(w[1]),
              Integer.parseInt(w[2])));
          case "close" -> {
            cache.close();
            out.println("closed");
          }
          default -> out.println("error unknown command " + w[0]);
        }
      } catch (Exception e) {
        out.println("error " + e.getClass().getSimpleName() + ": "
            + String.valueOf(e.getMessage()).replace('\n', ' '));
      }
    }
    try {
      cache.close();
    } finally {
      System.exit(0);
    }
  }

  static String value(String prefix, int i) {
    return "v-" + prefix + "-" + i + "-" + "x".repeat(i % 50);
  }

  /** Checks keys P0..PN-1 hold their values; those listed in SKIP may also be absent. */
  private static String check(EmbeddedCache cache, String[] w) {
    int n = Integer.parseInt(w[2]);
    Set<Integer> skip = new HashSet<>();
    if (w.length > 3 && !w[3].isEmpty()) {
      for (String s : w[3].split(",")) {
        skip.add(Integer.parseInt(s));
      }
    }
    int missing = 0;
    int wrong = 0;
    for (int i = 0; i < n; i++) {
      String v = cache.get(w[1] + i);
      if (v == null) {
        if (!skip.contains(i)) {
          missing++;
        }
      } else if (!v.equals(value(w[1], i))) {
        wrong++;
      }
    }
    return "missing=" + missing + " wrong=" + wrong;
  }

  /**
   * Runs {@code threads} threads of {@code ops} random operations each on keys the thread owns,
   * checking every read against the thread's own record of what it wrote; returns
   * {@code hammer ok OPS} or the first mismatch.
   */
  private static String hammer(EmbeddedCache cache, int threads, int ops) throws Exception {
    String self = Long.toString(ProcessHandle.current().pid());
    List<CompletableFuture<String>> results = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      String owner = self + "-" + t + "-";
      results.add(CompletableFuture.supplyAsync(() -> {
        Map<String, String> mine = new HashMap<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < ops && System.nanoTime() < deadline; i++) {
          String key = owner + r.nextInt(40);
          int op = r.nextInt(10);
          if (op < 5) {
            String v = "s" + i;
            cache.set(key, v);
            mine.put(key, v);
          } else if (op < 9) {
            String got = cache.get(key);
            if (!java.util.Objects.equals(got, mine.get(key))) {
              return "get " + key + " = " + got + ", expected " + mine.get(key);
            }
          } else {
            String got = cache.pop(key);
            if (!java.util.Objects.equals(got, mine.remove(key))) {
              return "pop " + key + " = " + got;
            }
          }
          done.incrementAndGet();
        }
        return null;
      }, pool));
    }
    try {
      for (CompletableFuture<String> f : results) {
        String problem = f.get(90, TimeUnit.SECONDS);
        if (problem != null) {
          return "hammer failed: " + problem;
        }
      }
    } finally {
      pool.shutdown();
    }
    return "hammer ok " + done.get();
  }
}
