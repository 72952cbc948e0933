package io.syntrix.query;

import io.syntrix.model.Document;
import io.syntrix.model.Value;

/** A candidate result with its sort values; the cursor position is a row without a document. */
record Row(String id, Value[] keys, Document doc) {}
