package io.syntrix.streamer.match;

import io.syntrix.model.FieldPath;
import java.util.HashMap;

/** The index of one (database, collection): its indexed fields and its residual list. */
final class CollectionIndex {
  private static final FieldIndex[] NO_FIELDS = new FieldIndex[0];

  final String database;
  final String collection;
  private final HashMap<String, FieldIndex> byName = new HashMap<>();
  /** The same field indexes as an array, for allocation-free iteration per change. */
  FieldIndex[] fields = NO_FIELDS;
  final Bucket residual = new Bucket(null, null);
  int size;

  CollectionIndex(String database, String collection) {
    this.database = database;
    this.collection = collection;
  }

  FieldIndex field(String name) {
    FieldIndex f = byName.get(name);
    if (f == null) {
      f = new FieldIndex(FieldPath.parse(name));
      byName.put(name, f);
      fields = byName.values().toArray(NO_FIELDS);
    }
    return f;
  }

  void dropField(FieldIndex f) {
    byName.remove(f.path.text());
    fields = byName.values().toArray(NO_FIELDS);
  }
}
