package io.tiercel.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the report's charts as inline SVG text: a line chart (linear or log axes) and a horizontal
 * bar chart. No scripts and no external files, so the page works offline and in any viewer.
 */
final class SvgChart {
  static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

  private static final int WIDTH = 640;
  private static final int HEIGHT = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  /** One line: its name, colour and points (already in axis units). */
  record Series(String name, String color, List<double[]> points) {}

  /** A tick on an axis: its position in axis units and its label. */
  record Tick(double at, String label) {}

  private SvgChart() {}

  /** Returns a line chart; {@code logY} draws the y axis in decades. */
  static String lines(String title, String xLabel, String yLabel, List<Series> series,
      List<Tick> xTicks, boolean logY) {
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMin = Double.MAX_VALUE;
    double yMax = -Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        double y = logY ? Math.log10(Math.max(p[1], 1e-3)) : p[1];
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    for (Tick t : xTicks) {
      xMin = Math.min(xMin, t.at());
      xMax = Math.max(xMax, t.at());
    }
    if (xMin > xMax) {
      return "<p>(no data)</p>";
    }
    List<Tick> yTicks = new ArrayList<>();
    if (logY) {
      yMin = Math.floor(yMin);
      yMax = Math.max(yMin + 1, Math.ceil(yMax));
      for (double d = yMin; d <= yMax; d++) {
        yTicks.add(new Tick(d, number(Math.pow(10, d))));
      }
    } else {
      yMin = 0;
      double step = niceStep(yMax / 5);
      yMax = Math.max(step, Math.ceil(yMax / step) * step);
      for (double v = 0; v <= yMax + step / 2; v += step) {
        yTicks.add(new Tick(v, number(v)));
      }
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    Frame f = new Frame(xMin, xMax, yMin, yMax);
    StringBuilder svg = open(title);
    axes(svg, f, xTicks, yTicks, xLabel, yLabel);
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        double y = logY ? Math.log10(Math.max(p[1], 1e-3)) : p[1];
        path.append(path.isEmpty() ? "M" : " L").append(fmt(f.x(p[0]))).append(',')
            .append(fmt(f.y(y)));
      }
      svg.append("<path fill=\"none\" stroke-width=\"2\" stroke=\"").append(s.color())
          .append("\" d=\"").append(path).append("\"><title>").append(Html.escape(s.name()))
          .append("</title></path>\n");
    }
    legend(svg, series.stream().map(Series::name).toList(),
        series.stream().map(Series::color).toList());
    return svg.append("</svg>\n").toString();
  }

  /** Returns a horizontal bar chart of {@code values}, one bar per name. */
  static String bars(String title, String unit, List<String> names, List<String> colors,
      List<Double> values) {
    int rowHeight = 22;
    int labelWidth = 260;
    int height = TOP + names.size() * rowHeight + 20;
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    max = max <= 0 ? 1 : max;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH + 100, height));
    svg.append("<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">")
        .append(Html.escape(title)).append("</text>\n");
    int barSpace = WIDTH + 100 - labelWidth - 90;
    for (int i = 0; i < names.size(); i++) {
      int y = TOP + i * rowHeight;
      double w = values.get(i) / max * barSpace;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
          + "</text>%n", labelWidth - 6, y + 14, Html.escape(names.get(i))));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"%d\""
          + " fill=\"%s\"/>%n", labelWidth, y + 2, fmt(w), rowHeight - 6, colors.get(i)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\">%s %s</text>%n",
          fmt(labelWidth + w + 4), y + 14, number(values.get(i)), Html.escape(unit)));
    }
    return svg.append("</svg>\n").toString();
  }

  private record Frame(double xMin, double xMax, double yMin, double yMax) {
    double x(double v) {
      return LEFT + (v - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
    }

    double y(double v) {
      return TOP + (1 - (v - yMin) / (yMax - yMin)) * (HEIGHT - TOP - BOTTOM);
    }
  }

  private static StringBuilder open(String title) {
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH + 200, HEIGHT));
    svg.append("<text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">")
        .append(Html.escape(title)).append("</text>\n");
    return svg;
  }

  private static void axes(StringBuilder svg, Frame f, List<Tick> xTicks, List<Tick> yTicks,
      String xLabel, String yLabel) {
    String grid = "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#ddd\"/>%n";
    for (Tick t : yTicks) {
      double y = f.y(t.at());
      svg.append(String.format(Locale.ROOT, grid, LEFT, fmt(y), WIDTH - RIGHT, fmt(y)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%s\" text-anchor=\"end\">%s"
          + "</text>%n", LEFT - 4, fmt(y + 4), Html.escape(t.label())));
    }
    for (Tick t : xTicks) {
      double x = f.x(t.at());
      svg.append(String.format(Locale.ROOT, grid, fmt(x), TOP, fmt(x), HEIGHT - BOTTOM));
      svg.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s"
          + "</text>%n", fmt(x), HEIGHT - BOTTOM + 14, Html.escape(t.label())));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, WIDTH - LEFT - RIGHT,
        HEIGHT - TOP - BOTTOM));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s"
        + "</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12, Html.escape(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\""
        + " transform=\"rotate(-90 14 %d)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2,
        (TOP + HEIGHT - BOTTOM) / 2, Html.escape(yLabel)));
  }

  private static void legend(StringBuilder svg, List<String> names, List<String> colors) {
    for (int i = 0; i < names.size(); i++) {
      int y = TOP + 10 + i * 16;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\""
          + " fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - 10, y - 4,
          colors.get(i), WIDTH + 6, y, Html.escape(names.get(i))));
    }
  }

  /** Returns a step of 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= raw) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /** Returns {@code v} compactly: 1.2k, 35M, 0.05, 120. */
  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v)
        .replaceAll("\\.?0+$", "");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
