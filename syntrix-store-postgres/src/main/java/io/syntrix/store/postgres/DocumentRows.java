package io.syntrix.store.postgres;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Cursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reading documents: one by path, and a collection in id order by keyset pages. */
final class DocumentRows {
  /** The columns {@link #document} reads, in order. */
  static final String COLUMNS = "id, data, version, created_at, updated_at, deleted";

  private final DataSource pool;
  private final int pageSize;

  DocumentRows(DataSource pool, int pageSize) {
    this.pool = pool;
    this.pageSize = pageSize;
  }

  Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
             + " FROM documents WHERE db = ? AND collection = ? AND id = ?")) {
      s.setString(1, database);
      s.setString(2, path.collection().value());
      s.setString(3, path.id());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Document d = document(path.collection(), rs, 1);
        return d.deleted() && !includeDeleted ? Optional.empty() : Optional.of(d);
      }
    } catch (SQLException e) {
      throw PgErrors.translate("reading '" + path + "' in database '" + database + "'", e);
    }
  }

  Cursor<Document> scan(String database, CollectionPath collection, String startAfterId, boolean includeDeleted,
                        boolean descending) {
    String sql = "SELECT " + COLUMNS + " FROM documents WHERE db = ? AND collection = ? AND id "
        + (descending ? "<" : ">") + " ?" + (includeDeleted ? "" : " AND NOT deleted")
        + " ORDER BY id " + (descending ? "DESC" : "ASC") + " LIMIT ?";
    String sqlFromEdge = sql.replace(" AND id " + (descending ? "<" : ">") + " ?", "");
    return new PagedCursor<Document>((last, limit) -> {
      String after = last != null ? last.id() : startAfterId;
      try (Connection c = pool.getConnection();
           PreparedStatement s = c.prepareStatement(after == null ? sqlFromEdge : sql)) {
        int i = 1;
        s.setString(i++, database);
        s.setString(i++, collection.value());
        if (after != null) {
          s.setString(i++, after);
        }
        s.setInt(i, limit);
        List<Document> page = new ArrayList<>(limit);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            page.add(document(collection, rs, 1));
          }
        }
        return page;
      }
    }, pageSize, "scanning collection '" + collection + "' of database '" + database + "'");
  }

  /** The document in the {@link #COLUMNS} starting at column {@code from}. */
  static Document document(CollectionPath collection, ResultSet rs, int from) throws SQLException {
    return new Document(collection.document(rs.getString(from)), (MapValue) Json.parse(rs.getString(from + 1)),
        rs.getLong(from + 2), rs.getLong(from + 3), rs.getLong(from + 4), rs.getBoolean(from + 5));
  }
}
