package io.syntrix.rules;

import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import java.util.Optional;

/**
 * How the rule functions {@code get(path)} and {@code exists(path)} read stored documents.
 * The engine always passes the database of the request being authorised, so a rule can never
 * read another database (the original read {@code "default"} whatever the request said).
 *
 * <p>Called on the evaluating thread, at most {@value RuleSet#MAX_READS} times per evaluation.
 * A tombstone counts as absent. An exception thrown here denies the request (the reason names it).
 */
@FunctionalInterface
public interface DocumentReader {
  Optional<Document> get(String database, DocumentPath path);
}
