package io.syntrix.query;

import io.syntrix.store.IndexEntry;

/** A pull stream of index entries; {@link #next} returns null at the end. */
interface EntryStream extends AutoCloseable {
  IndexEntry next();

  @Override
  void close();
}
