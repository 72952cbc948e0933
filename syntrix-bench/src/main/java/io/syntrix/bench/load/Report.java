package io.syntrix.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The run's figures as ordered sections of named values, rendered as a plain-text table and as
 * JSON from the same data. Values are numbers, strings, booleans, lists, nested maps or
 * {@link Latency} summaries. A {@linkplain #table table} section holds columns side by side (the
 * phases of a run): in JSON an object per column, in text one row per figure.
 */
final class Report {
  private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
  private final Set<String> tables = new HashSet<>();

  Map<String, Object> section(String name) {
    return sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }

  /** A section of columns; {@code column(name)} of the result adds one. */
  Table table(String name) {
    tables.add(name);
    return new Table(section(name));
  }

  /** Columns of one table section, each an ordered map of figures. */
  record Table(Map<String, Object> columns) {
    @SuppressWarnings("unchecked")
    Map<String, Object> column(String name) {
      return (Map<String, Object>) columns.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }
  }

  Object get(String section, String key) {
    Map<String, Object> s = sections.get(section);
    return s == null ? null : s.get(key);
  }

  /** Percentiles of a histogram of microseconds, reported in milliseconds. */
  record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {
    static Latency of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Latency(0, 0, 0, 0, 0, 0, 0);
      }
      return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
          ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }

    /** p50 / p99 / p99.9 / max, for a table cell. */
    String cell() {
      return count == 0 ? "-" : num(p50) + " / " + num(p99) + " / " + num(p999) + " / " + num(max);
    }

    String text() {
      if (count == 0) {
        return "(no samples)";
      }
      return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms  (n=%d)",
          num(p50), num(p90), num(p99), num(p999), num(max), count);
    }
  }

  String text() {
    StringBuilder out = new StringBuilder();
    int width = 0;
    for (Map<String, Object> s : sections.values()) {
      for (String k : s.keySet()) {
        width = Math.max(width, k.length());
      }
    }
    for (Map.Entry<String, Map<String, Object>> s : sections.entrySet()) {
      if (tables.contains(s.getKey())) {
        out.append('\n').append(s.getKey()).append('\n').append(tableText(s.getValue()));
        continue;
      }
      if (s.getValue().values().stream().allMatch(v -> v instanceof List<?>)) {
        continue; // series are JSON only
      }
      out.append('\n').append(s.getKey()).append('\n');
      for (Map.Entry<String, Object> e : s.getValue().entrySet()) {
        if (e.getValue() instanceof List<?>) {
          continue; // series are JSON only
        }
        out.append("  ").append(pad(e.getKey(), width)).append("  ").append(text(e.getValue())).append('\n');
      }
    }
    return out.toString();
  }

  /** Rows are the figures of the first column (others may add rows); latencies read p50 / p99 / p99.9 / max. */
  private static String tableText(Map<String, Object> columns) {
    Set<String> rows = new LinkedHashSet<>();
    for (Object c : columns.values()) {
      if (c instanceof Map<?, ?> m) {
        m.keySet().forEach(k -> rows.add(String.valueOf(k)));
      }
    }
    List<String> names = new ArrayList<>(columns.keySet());
    String[][] cells = new String[rows.size() + 1][names.size() + 1];
    cells[0][0] = "";
    for (int c = 0; c < names.size(); c++) {
      cells[0][c + 1] = names.get(c);
    }
    int r = 1;
    boolean latencies = false;
    for (String row : rows) {
      cells[r][0] = row;
      for (int c = 0; c < names.size(); c++) {
        Object v = columns.get(names.get(c)) instanceof Map<?, ?> m ? m.get(row) : null;
        latencies |= v instanceof Latency;
        cells[r][c + 1] = v instanceof Latency l ? l.cell() : v == null ? "" : text(v);
      }
      r++;
    }
    int[] widths = new int[names.size() + 1];
    for (String[] line : cells) {
      for (int c = 0; c < line.length; c++) {
        widths[c] = Math.max(widths[c], line[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : cells) {
      out.append(' ');
      for (int c = 0; c < line.length; c++) {
        out.append(' ').append(pad(line[c], widths[c])).append(c == 0 ? "  " : "   ");
      }
      out.append('\n');
    }
    if (latencies) {
      out.append("  (latencies: p50 / p99 / p99.9 / max ms)\n");
    }
    return out.toString().replaceAll(" +\n", "\n");
  }

  private static String text(Object v) {
    return switch (v) {
      case null -> "-";
      case Latency l -> l.text();
      case Double d -> num(d);
      case Float f -> num(f);
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          yield "none";
        }
        StringBuilder b = new StringBuilder();
        m.forEach((k, x) -> b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(text(x)));
        yield b.toString();
      }
      default -> v.toString();
    };
  }

  static String num(double d) {
    if (Double.isNaN(d)) {
      return "-";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  String json() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      for (Map.Entry<String, Map<String, Object>> s : sections.entrySet()) {
        g.writeFieldName(s.getKey());
        write(g, s.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case List<?> list -> {
        g.writeStartArray();
        for (Object x : list) {
          write(g, x);
        }
        g.writeEndArray();
      }
      case Latency l -> {
        g.writeStartObject();
        g.writeNumberField("count", l.count());
        g.writeNumberField("p50Ms", l.p50());
        g.writeNumberField("p90Ms", l.p90());
        g.writeNumberField("p99Ms", l.p99());
        g.writeNumberField("p999Ms", l.p999());
        g.writeNumberField("maxMs", l.max());
        g.writeNumberField("meanMs", Math.round(l.mean() * 1000) / 1000.0);
        g.writeEndObject();
      }
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d -> {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          g.writeNull();
        } else {
          g.writeNumber(Math.round(d * 1000) / 1000.0);
        }
      }
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(v.toString());
    }
  }
}
