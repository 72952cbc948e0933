package io.syntrix.model;

import java.util.List;

/**
 * The ONE evaluator of D4 filters, shared by queries, {@code ifMatch} preconditions and realtime
 * matching. A list of filters (ANDed) compiles once: field paths are split up front, so
 * {@link #test} walks maps and compares values without allocating. Immutable and thread-safe.
 */
public final class DocumentPredicate {
  public static final DocumentPredicate ALWAYS = new DocumentPredicate(List.of());

  private final Filter[] filters;
  private final FieldPath[] paths;

  private DocumentPredicate(List<Filter> filters) {
    this.filters = filters.toArray(Filter[]::new);
    this.paths = new FieldPath[this.filters.length];
    for (int i = 0; i < this.filters.length; i++) {
      paths[i] = FieldPath.parse(this.filters[i].field());
    }
  }

  public static DocumentPredicate compile(List<Filter> filters) {
    return filters.isEmpty() ? ALWAYS : new DocumentPredicate(filters);
  }

  /** Evaluates against a flattened document ({@link Document#toFlat()}). */
  public boolean test(MapValue flatDocument) {
    for (int i = 0; i < filters.length; i++) {
      if (!filters[i].test(paths[i].resolve(flatDocument))) {
        return false;
      }
    }
    return true;
  }

  public List<Filter> filters() {
    return List.of(filters);
  }
}
