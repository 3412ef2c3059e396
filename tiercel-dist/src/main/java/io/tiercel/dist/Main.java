package io.tiercel.dist;

import io.tiercel.bench.BenchMain;
import io.tiercel.server.ServerMain;
import java.io.PrintStream;
import java.util.Arrays;

/** The {@code bin/tiercel} command line: dispatches to a subcommand. */
public final class Main {
  private static final String USAGE =
      """
      usage: bin/tiercel <command> [options]

      commands:
        server     run a node (RESP on TCP and a UNIX socket); `bin/tiercel server --help`
        bench      benchmarks: hitratio | jmh | memory | load | report | compare; `bin/tiercel bench --help`
        version    print the version
        help       print this text
      """;

  private Main() {}

  /** Runs the subcommand named by the first argument. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage(System.err);
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "server" -> ServerMain.main(rest);
      case "bench" -> BenchMain.main(rest);
      case "version", "--version" -> System.out.println("tiercel " + version());
      case "help", "--help", "-h" -> usage(System.out);
      default -> {
        System.err.println("tiercel: unknown command '" + args[0] + "'");
        usage(System.err);
        System.exit(2);
      }
    }
  }

  private static void usage(PrintStream out) {
    out.print(USAGE);
  }

  private static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }
}
