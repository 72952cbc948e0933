package io.syntrix.testkit;

import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the D4 conformance table ({@code d4-conformance.txt}, next to this class) that pins filter
 * semantics for every evaluator: the model's {@code DocumentPredicate}, the query engine's index
 * paths and post-filter, the streamer's presearch index.
 *
 * <p>The file's header documents the format. The expected results are written by hand from the
 * D4 rules in {@code architecture.md}, never computed by an implementation, so the table can catch
 * the model itself. A malformed row fails loading with its line number rather than being skipped,
 * so a typo cannot silently shrink the suite.
 */
public final class D4Cases {
  public static final String RESOURCE = "d4-conformance.txt";

  private static final int COLUMNS = 5;

  private D4Cases() {}

  /** Every matching row of the bundled table, in file order. */
  public static List<D4Case> cases() {
    return load().cases();
  }

  /** Every {@code reject} row of the bundled table, in file order. */
  public static List<D4Rejection> rejections() {
    return load().rejections();
  }

  /** Both kinds of rows of the bundled table. */
  public static Table load() {
    InputStream in = D4Cases.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The parsed table: rows that evaluate to true/false, and rows that must be refused. */
  public record Table(List<D4Case> cases, List<D4Rejection> rejections) {
    public Table {
      cases = List.copyOf(cases);
      rejections = List.copyOf(rejections);
    }
  }

  /** Parses a table in the documented format; public so other modules can keep tables of their own. */
  public static Table parse(Reader source) throws IOException {
    List<D4Case> cases = new ArrayList<>();
    List<D4Rejection> rejections = new ArrayList<>();
    BufferedReader reader = new BufferedReader(source);
    String text;
    int line = 0;
    while ((text = reader.readLine()) != null) {
      line++;
      String row = text.strip();
      if (row.isEmpty() || row.startsWith("#")) {
        continue;
      }
      try {
        parseRow(line, row, cases, rejections);
      } catch (SyntrixException | IllegalArgumentException e) {
        throw new IllegalStateException(RESOURCE + " line " + line + ": " + e.getMessage() + ": " + row, e);
      }
    }
    return new Table(cases, rejections);
  }

  private static void parseRow(int line, String row, List<D4Case> cases, List<D4Rejection> rejections) {
    String[] cols = row.split("\\|", -1);
    if (cols.length != COLUMNS) {
      throw new IllegalArgumentException("expected " + COLUMNS + " '|'-separated columns, found " + cols.length);
    }
    String expected = cols[0].strip();
    String field = cols[1].strip();
    String op = cols[2].strip();
    Value value = Json.parse(cols[3].strip());
    String document = cols[4].strip();
    switch (expected) {
      case "true", "false" -> cases.add(new D4Case(line, expected.equals("true"),
          Filter.of(field, op, value), document(document)));
      case "reject" -> {
        if (!document.equals("-")) {
          throw new IllegalArgumentException("a reject row has '-' as its document");
        }
        rejections.add(new D4Rejection(line, field, op, value));
      }
      default -> throw new IllegalArgumentException("expected must be true, false or reject, not '" + expected + "'");
    }
  }

  private static MapValue document(String json) {
    if (!(Json.parse(json) instanceof MapValue doc)) {
      throw new IllegalArgumentException("the document must be a JSON object");
    }
    return doc;
  }
}
