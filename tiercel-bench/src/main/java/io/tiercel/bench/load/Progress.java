package io.tiercel.bench.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live progress line of a run: rewritten in place once a second on a terminal, silent
 * otherwise (so logs and pipes get only the final table).
 */
interface Progress {
  /** Prints nothing. */
  Progress NONE = new Progress() {
    @Override
    public void update(String phase, double elapsed, double total, double opsPerSecond,
        double p99Micros, long errors) {}

    @Override
    public void done() {}
  };

  /** Shows the state after {@code elapsed} of {@code total} seconds (total 0 when counting ops). */
  void update(String phase, double elapsed, double total, double opsPerSecond, double p99Micros,
      long errors);

  /** Clears the line. */
  void done();

  /** Returns a line on {@code out} if the JVM's console is a terminal, else {@link #NONE}. */
  static Progress forConsole(PrintStream out) {
    java.io.Console console = System.console();
    return console != null && console.isTerminal() ? new Line(out) : NONE;
  }

  /** The line itself, rewritten with a carriage return. */
  final class Line implements Progress {
    private final PrintStream out;

    Line(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(String phase, double elapsed, double total, double opsPerSecond,
        double p99Micros, long errors) {
      String of = total > 0 ? String.format(Locale.ROOT, "%.0fs/%.0fs", elapsed, total)
          : String.format(Locale.ROOT, "%.0fs", elapsed);
      out.printf(Locale.ROOT, "\r%-8s %-10s %,12.0f ops/s   p99 %,10.1f us   errors %d   ",
          phase, of, opsPerSecond, p99Micros, errors);
      out.flush();
    }

    @Override
    public void done() {
      out.print("\r" + " ".repeat(90) + "\r");
      out.flush();
    }
  }
}
