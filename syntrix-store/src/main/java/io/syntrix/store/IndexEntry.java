package io.syntrix.store;

import io.syntrix.model.Value;

/**
 * One single-field index entry: the indexed value and the document id. The value is D4-equal to
 * the stored one ({@code 1.0} may come back as {@code 1}). Also the start-after position of an
 * index scan.
 */
public record IndexEntry(Value value, String docId) {}
