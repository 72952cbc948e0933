package io.syntrix.store;

import java.util.Iterator;

/** A forward iterator over store data that holds native resources until closed. Not thread-safe. */
public interface Cursor<T> extends Iterator<T>, AutoCloseable {
  @Override
  void close();
}
