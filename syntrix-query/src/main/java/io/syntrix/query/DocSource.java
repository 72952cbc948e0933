package io.syntrix.query;

import io.syntrix.model.Document;

/** A pull stream of candidate documents in some order; {@link #next} returns null at the end. */
interface DocSource extends AutoCloseable {
  DocSource EMPTY = new DocSource() {
    @Override
    public Document next() {
      return null;
    }

    @Override
    public void close() {}
  };

  Document next();

  @Override
  void close();
}
