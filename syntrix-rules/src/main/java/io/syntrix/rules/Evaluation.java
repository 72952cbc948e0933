package io.syntrix.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelResolvedOverload;
import dev.cel.runtime.CelVariableResolver;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one evaluation: the variables CEL asks for and the request-bound functions
 * {@code get}/{@code exists}. Built per {@link RuleSet#evaluate} call, used on that thread only.
 *
 * <p>Everything is built lazily: a rule that only reads {@code request.auth.userId} never
 * builds {@code resource} or {@code request.query}. Document data reaches CEL as views
 * ({@link CelValues}), not copies.
 *
 * <p>{@code get}/{@code exists} read the request's database only (a full path naming another
 * database is an error), at most {@link RuleSet#MAX_READS} distinct documents per evaluation;
 * repeated reads of one path are answered from a per-evaluation cache.
 */
final class Evaluation implements CelVariableResolver, CelFunctionResolver {
  static final String GET_OVERLOAD = "get_string";
  static final String EXISTS_OVERLOAD = "exists_string";

  final RuleRequest request;
  final PathPattern.Bindings bindings = new PathPattern.Bindings();
  private RequestView requestView;
  private Object resource;
  private Map<String, Optional<Document>> reads;

  Evaluation(RuleRequest request) {
    this.request = request;
  }

  @Override
  public Optional<Object> find(String name) {
    // equals, not a string switch: CEL passes a fresh string per lookup, so hashing it costs.
    if ("request".equals(name)) {
      return Optional.of(requestView());
    } else if ("resource".equals(name)) {
      return Optional.of(resource());
    }
    return Optional.ofNullable(bindings.get(name));
  }

  private RequestView requestView() {
    if (requestView == null) {
      requestView = new RequestView();
    }
    return requestView;
  }

  private Object resource() {
    if (resource == null) {
      Document d = request.existing();
      resource = d == null || d.deleted() ? CelValues.NULL : CelValues.document(d.data(), request.id());
    }
    return resource;
  }

  // ---- get() and exists() ------------------------------------------------------------------

  @Override
  public Optional<CelResolvedOverload> findOverloadMatchingArgs(String functionName, Collection<String> overloadIds,
                                                                Object[] args) {
    return findOverloadMatchingArgs(functionName, args);
  }

  @Override
  public Optional<CelResolvedOverload> findOverloadMatchingArgs(String functionName, Object[] args) {
    return switch (functionName) {
      case "get" -> Optional.of(CelResolvedOverload.of("get", GET_OVERLOAD,
          a -> {
            Document d = read(a[0]);
            return d == null ? CelValues.NULL : CelValues.document(d.data(), d.id());
          }, true, String.class));
      case "exists" -> Optional.of(CelResolvedOverload.of("exists", EXISTS_OVERLOAD,
          a -> read(a[0]) != null, true, String.class));
      default -> Optional.empty();
    };
  }

  /** The live document at {@code path} in the request's database, or null. */
  private Document read(Object pathArg) throws CelEvaluationException {
    String path = relative((String) pathArg);
    if (reads == null) {
      reads = new HashMap<>();
    }
    Optional<Document> cached = reads.get(path);
    if (cached != null) {
      return cached.orElse(null);
    }
    if (reads.size() >= RuleSet.MAX_READS) {
      throw new CelEvaluationException("more than " + RuleSet.MAX_READS + " documents read by get()/exists()");
    }
    if (request.reader() == null) {
      throw new CelEvaluationException("get()/exists() cannot read documents here (no reader)");
    }
    DocumentPath documentPath;
    try {
      documentPath = DocumentPath.of(path);
    } catch (InvalidInputException e) {
      throw new CelEvaluationException("get()/exists(): " + e.getMessage());
    }
    Optional<Document> found;
    try {
      found = request.reader().get(request.database(), documentPath).filter(d -> !d.deleted());
    } catch (RuntimeException e) {
      throw new CelEvaluationException("get()/exists() could not read '" + path + "': " + e, e);
    }
    reads.put(path, found);
    return found.orElse(null);
  }

  /** {@code /databases/<db>/documents/a/b} (db must be the request's) or {@code a/b} → {@code a/b}. */
  private String relative(String path) throws CelEvaluationException {
    String prefix = "/databases/";
    if (!path.startsWith(prefix)) {
      return path.startsWith("/") ? path.substring(1) : path;
    }
    int slash = path.indexOf('/', prefix.length());
    String database = path.substring(prefix.length(), slash < 0 ? path.length() : slash);
    if (!database.equals(request.database())) {
      throw new CelEvaluationException("get()/exists() read only the request's database '" + request.database()
          + "', not '" + database + "'");
    }
    String documents = prefix + database + "/documents/";
    if (!path.startsWith(documents)) {
      throw new CelEvaluationException("get()/exists(): '" + path + "' is not /databases/<db>/documents/<path>");
    }
    return path.substring(documents.length());
  }

  // ---- request ------------------------------------------------------------------------------

  /**
   * {@code request}: auth, time, method, path, database, resource (create/update: {data, id};
   * otherwise null) and query (list: the query; otherwise null). A view, so nothing is built for
   * keys a rule never reads.
   */
  private final class RequestView extends AbstractMap<String, Object> {
    private static final List<String> KEYS = List.of("auth", "time", "method", "path", "database", "resource", "query");
    private Object newResource;
    private Object query;
    private Set<Entry<String, Object>> entries;

    @Override
    public Object get(Object key) {
      // equals chain, most used first (see find)
      if ("auth".equals(key)) {
        return request.auth().celMap();
      } else if ("resource".equals(key)) {
        return newResource();
      } else if ("time".equals(key)) {
        return request.time();
      } else if ("query".equals(key)) {
        return query();
      } else if ("method".equals(key)) {
        return request.action().wireName();
      } else if ("path".equals(key)) {
        return request.path();
      } else if ("database".equals(key)) {
        return request.database();
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      return KEYS.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      if (entries == null) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (String k : KEYS) {
          copy.put(k, get(k));
        }
        entries = copy.entrySet();
      }
      return entries;
    }

    private Object newResource() {
      if (newResource == null) {
        MapValue data = request.newData();
        if (data == null) {
          newResource = CelValues.NULL;
        } else {
          newResource = CelValues.document(data, request.id());
        }
      }
      return newResource;
    }

    private Object query() {
      if (query == null) {
        query = request.query() == null ? CelValues.NULL : CelValues.toCel(queryValue(request.query()));
      }
      return query;
    }
  }

  /** {@code {collection, filters: [{field, op, value}], orderBy: [{field, direction}], limit, startAfter, showDeleted}}. */
  static MapValue queryValue(Query q) {
    Value[] filters = new Value[q.filters().size()];
    for (int i = 0; i < filters.length; i++) {
      Filter f = q.filters().get(i);
      filters[i] = f.toValue();
    }
    Value[] orderBy = new Value[q.orderBy().size()];
    for (int i = 0; i < orderBy.length; i++) {
      OrderBy o = q.orderBy().get(i);
      orderBy[i] = MapValue.builder()
          .put("field", new StringValue(o.field()))
          .put("direction", new StringValue(o.direction().name().toLowerCase(Locale.ROOT)))
          .build();
    }
    return MapValue.builder()
        .put("collection", new StringValue(q.collection().value()))
        .put("filters", ArrayValue.of(filters))
        .put("orderBy", ArrayValue.of(orderBy))
        .put("limit", IntegerValue.of(q.limit()))
        .put("startAfter", q.startAfter() == null ? NullValue.INSTANCE : new StringValue(q.startAfter()))
        .put("showDeleted", Value.of(q.showDeleted()))
        .build();
  }
}
