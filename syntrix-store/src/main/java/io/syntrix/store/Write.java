package io.syntrix.store;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.Documents;
import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.ResourcePaths;
import java.util.List;

/**
 * One document write. Constructing a write validates it completely (database name, path, data,
 * preconditions), so a write that exists can only fail on the stored state: not found, already
 * exists, or a failed {@code ifMatch}. {@code ifMatch} filters are ANDed and evaluated by the D4
 * evaluator on the stored document's flattened form; a non-empty {@code ifMatch} never matches
 * a document that does not exist.
 */
public sealed interface Write {
  String database();

  DocumentPath path();

  /** Creates the document; fails with CONFLICT if a live one exists. Over a tombstone it starts again at version 1. */
  record Create(String database, DocumentPath path, MapValue data) implements Write {
    public Create {
      ResourcePaths.requireDatabase(database);
      data = Documents.clientData(data, path.id());
    }
  }

  /** Replaces the whole document, creating it when absent (upsert). */
  record Replace(String database, DocumentPath path, MapValue data, List<Filter> ifMatch) implements Write {
    public Replace {
      ResourcePaths.requireDatabase(database);
      data = Documents.clientData(data, path.id());
      ifMatch = List.copyOf(ifMatch);
    }
  }

  /** Sets the given top-level fields (a shallow merge); the document must exist. */
  record Patch(String database, DocumentPath path, MapValue data, List<Filter> ifMatch) implements Write {
    public Patch {
      ResourcePaths.requireDatabase(database);
      data = Documents.clientData(data, path.id());
      InvalidInputException.check(!data.isEmpty(), "patch has no fields to update");
      ifMatch = List.copyOf(ifMatch);
    }
  }

  /**
   * {@code write}, on condition that the document is still as the security rules saw it when they
   * allowed it: live at {@code version}, or not live when {@code version} is 0. Otherwise it fails
   * with {@link StoreException.Changed} and writes nothing, so the caller can judge it again.
   */
  record Judged(Write write, long version) implements Write {
    public Judged {
      if (write instanceof Judged) {
        throw new IllegalArgumentException("a write is judged once");
      }
      if (version < 0) {
        throw new IllegalArgumentException("version " + version + " < 0");
      }
    }

    @Override
    public String database() {
      return write.database();
    }

    @Override
    public DocumentPath path() {
      return write.path();
    }
  }

  /** Soft-deletes the document: its data is wiped and a tombstone is kept for the retention period. */
  record Delete(String database, DocumentPath path, List<Filter> ifMatch) implements Write {
    public Delete {
      ResourcePaths.requireDatabase(database);
      ifMatch = List.copyOf(ifMatch);
    }
  }
}
