package io.syntrix.query;

import io.syntrix.model.Document;
import io.syntrix.store.Cursor;

/** The documents of a running query, in result order; also reports what the run cost so far. */
public interface QueryCursor extends Cursor<Document> {
  QueryPlan plan();

  /** Documents read from the store so far (fetched and evaluated), matching or not. */
  long documentsExamined();

  /** Index entries read so far. */
  long indexEntriesRead();
}
