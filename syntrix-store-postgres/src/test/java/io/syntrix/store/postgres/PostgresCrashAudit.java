package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.spi.IndexedValues;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The final audit of {@link PostgresCrashTest}, run once every child is dead and a clean sequencer
 * has sequenced everything that committed. What each check would catch:
 * <ol>
 *   <li><b>The log's shape</b> (SQL on {@code syntrix_changes} and {@code syntrix_sequencer}): seqs
 *       gap-free from {@code first_seq} to the recorded {@code last_seq}; commit LSNs strictly
 *       increasing in seq order, equal only within one transaction. A change sequenced twice,
 *       skipped, or sequenced out of commit order fails here.</li>
 *   <li><b>One entry per committed transaction</b>: no xid under two seqs, every xid committed
 *       ({@code pg_xact_status}), and the row's xid, database and path are its payload's.</li>
 *   <li><b>The log replays into the documents table</b>: per document each entry follows from the
 *       one before (before image = previous after image, version + 1, version 1 on a create), and
 *       replaying every entry gives exactly the stored documents, tombstones included. Writes to one
 *       document commit in the order they took its row lock, so a committed write missing from the
 *       log breaks its document's chain (or its final state), and a repeated one breaks it too.</li>
 *   <li><b>Acknowledged writes</b>: each acknowledged seq was acknowledged once, and its entry is
 *       the acknowledged write (path, op, version, data); the stored document holds that version or
 *       a later one of the same incarnation.</li>
 *   <li><b>Index entries</b> equal those recomputed from the stored documents with
 *       {@link IndexedValues}, the code the engine writes them with; overflow entries too.</li>
 *   <li><b>Usage</b> equals a recount of the live documents and their stored bytes.</li>
 * </ol>
 */
final class PostgresCrashAudit {
  /** What a writer was told about one write; also the view of a log entry it is compared to. */
  record Ack(long seq, String database, DocumentPath path, Op op, long version, MapValue data) {
    static Ack of(ChangeEvent e) {
      return new Ack(e.seq(), e.database(), e.path(), e.op(), e.after().version(), e.after().data());
    }
  }

  record DocKey(String database, DocumentPath path) {}

  private final Connection sql;
  private final List<ChangeEvent> entries;
  private final Map<DocKey, Document> stored;

  private PostgresCrashAudit(Connection sql, List<ChangeEvent> entries, Map<DocKey, Document> stored) {
    this.sql = sql;
    this.entries = entries;
    this.stored = stored;
  }

  /** Runs every check; {@code sql} is a connection to the test's database. */
  static void verify(PostgresDocumentStore store, Connection sql, List<Ack> acks) throws SQLException {
    PostgresCrashAudit audit = new PostgresCrashAudit(sql, readAll(store.changeLog()), readDocuments(sql));
    System.out.printf("auditing %d acknowledged writes against %d change-log entries (%s) and %d documents%n",
        acks.size(), audit.entries.size(), audit.entries.stream()
            .collect(Collectors.groupingBy(ChangeEvent::op, TreeMap::new, Collectors.counting())), audit.stored.size());
    audit.logIsGapFreeInCommitOrder();
    audit.eachEntryIsOneCommittedTransaction();
    Replay replay = audit.replay();
    assertThat(replay.documents).as("documents replayed from the log = the documents table").isEqualTo(audit.stored);
    audit.acknowledgedWritesAreLoggedAndStored(acks, replay);
    audit.indexEntriesAgreeWithDocuments();
    audit.usageAgreesWithDocuments();
  }

  private void logIsGapFreeInCommitOrder() throws SQLException {
    List<String> state = rows("SELECT first_seq, last_seq, (SELECT count(*) FROM syntrix_changes),"
        + " (SELECT coalesce(min(seq), first_seq) FROM syntrix_changes),"
        + " (SELECT coalesce(max(seq), 0) FROM syntrix_changes) FROM syntrix_sequencer WHERE id = 1");
    String[] f = state.get(0).split(" ");
    long first = Long.parseLong(f[0]);
    long last = Long.parseLong(f[1]);
    assertThat(first).as("first_seq (nothing was purged)").isEqualTo(1);
    assertThat(f[3]).as("lowest seq in syntrix_changes vs first_seq").isEqualTo(f[0]);
    assertThat(f[4]).as("highest seq in syntrix_changes vs the recorded last_seq").isEqualTo(f[1]);
    assertThat(Long.parseLong(f[2])).as("entries between seq %d and %d (gap-free)", first, last)
        .isEqualTo(last - first + 1);
    assertThat(entries).as("entries read through the change log").hasSize((int) (last - first + 1));
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.get(i).seq()).as("seq of log entry #%d", i).isEqualTo(first + i);
    }
    assertThat(rows("SELECT seq, xid, commit_lsn, previous_xid, previous_lsn FROM (SELECT seq, xid, commit_lsn,"
        + " lag(xid) OVER w AS previous_xid, lag(commit_lsn) OVER w AS previous_lsn FROM syntrix_changes"
        + " WINDOW w AS (ORDER BY seq)) x WHERE previous_lsn > commit_lsn"
        + " OR (previous_lsn = commit_lsn AND previous_xid <> xid) ORDER BY seq LIMIT 10"))
        .as("entries (seq xid commit_lsn, previous xid and commit_lsn) not after the one before in commit order")
        .isEmpty();
  }

  private void eachEntryIsOneCommittedTransaction() throws SQLException {
    assertThat(rows("SELECT xid, string_agg(seq::text, ',') FROM syntrix_changes GROUP BY xid HAVING count(*) > 1"
        + " LIMIT 10")).as("transactions (xid, seqs) sequenced more than once").isEmpty();
    assertThat(rows("SELECT seq, xid, pg_xact_status(xid::text::xid8) FROM syntrix_changes"
        + " WHERE pg_xact_status(xid::text::xid8) IS DISTINCT FROM 'committed' LIMIT 10"))
        .as("entries (seq, xid, status) whose transaction did not commit").isEmpty();
    try (Statement s = sql.createStatement();
         ResultSet r = s.executeQuery("SELECT seq, xid, db, collection, doc_id, payload FROM syntrix_changes")) {
      while (r.next()) {
        ChangeMessage.Decoded d = ChangeMessage.decode(r.getBytes(6));
        String row = r.getLong(2) + " " + r.getString(3) + " " + r.getString(4) + " " + r.getString(5);
        assertThat(row).as("xid, database and path of seq %d vs its payload", r.getLong(1)).isEqualTo(d.xid() + " "
            + d.change().database() + " " + d.change().path().collection().value() + " " + d.change().path().id());
      }
    }
  }

  /** The documents the log builds, and per document the seq of its last entry and of its last create. */
  private record Replay(Map<DocKey, Document> documents, Map<DocKey, Long> lastSeq, Map<DocKey, Long> lastCreate) {}

  private Replay replay() {
    Replay replay = new Replay(new HashMap<>(), new HashMap<>(), new HashMap<>());
    for (ChangeEvent e : entries) {
      DocKey key = new DocKey(e.database(), e.path());
      checkFollows(e, replay.documents.get(key));
      replay.documents.put(key, e.after());
      replay.lastSeq.put(key, e.seq());
      if (e.op() == Op.CREATE) {
        replay.lastCreate.put(key, e.seq());
      }
    }
    return replay;
  }

  /** Checks that {@code e} is a legal successor of {@code previous}, the document's last after image. */
  private static void checkFollows(ChangeEvent e, Document previous) {
    Document live = previous == null || previous.deleted() ? null : previous;
    Document after = e.after();
    String what = "seq " + e.seq() + " " + e.op() + " " + e.database() + "/" + e.path() + " after " + previous;
    assertThat(e.before()).as("before image of %s", what).isEqualTo(live);
    assertThat(after.path()).as(what).isEqualTo(e.path());
    if (e.op() == Op.CREATE) {
      assertThat(live).as("create over a live document: %s", what).isNull();
      assertThat(after.version()).as("version of %s", what).isEqualTo(1);
      assertThat(after.createdAt()).as("createdAt of %s", what).isEqualTo(e.timestamp());
      assertThat(after.deleted()).as(what).isFalse();
      return;
    }
    assertThat(live).as("%s of a missing document: %s", e.op(), what).isNotNull();
    assertThat(after.version()).as("version of %s", what).isEqualTo(live.version() + 1);
    assertThat(after.createdAt()).as("createdAt of %s", what).isEqualTo(live.createdAt());
    assertThat(after.updatedAt()).as("updatedAt of %s", what).isGreaterThanOrEqualTo(live.updatedAt());
    assertThat(after.deleted()).as(what).isEqualTo(e.op() == Op.DELETE);
  }

  private void acknowledgedWritesAreLoggedAndStored(List<Ack> acks, Replay replay) {
    long first = entries.isEmpty() ? 1 : entries.get(0).seq();
    Set<Long> seen = new HashSet<>();
    Map<DocKey, Ack> lastAckOf = new HashMap<>();
    for (Ack a : acks) {
      assertThat(seen.add(a.seq())).as("seq %d acknowledged twice", a.seq()).isTrue();
      assertThat(a.seq()).as("seq of acknowledged %s", a).isBetween(first, first + entries.size() - 1);
      assertThat(Ack.of(entries.get((int) (a.seq() - first)))).as("log entry of an acknowledged write").isEqualTo(a);
      lastAckOf.merge(new DocKey(a.database(), a.path()), a, (x, y) -> x.seq() > y.seq() ? x : y);
    }
    // Versions restart at 1 on a re-create, so only within the document's current incarnation do
    // they say "this write or a later one".
    lastAckOf.forEach((key, a) -> {
      Document now = stored.get(key);
      assertThat(now).as("stored %s, acknowledged at seq %d", key, a.seq()).isNotNull();
      if (replay.lastCreate.getOrDefault(key, 0L) <= a.seq()) {
        assertThat(now.version()).as("stored version of %s, acknowledged %s", key, a).isGreaterThanOrEqualTo(a.version());
      }
      if (a.seq() == replay.lastSeq.get(key)) {
        assertThat(now.version()).as("stored version of %s, last written by %s", key, a).isEqualTo(a.version());
      }
    });
  }

  private void indexEntriesAgreeWithDocuments() throws SQLException {
    Set<String> index = new TreeSet<>();
    Set<String> overflow = new TreeSet<>();
    stored.forEach((key, d) -> IndexedValues.of(d).forEach((field, value) -> {
      String row = entry(key.database(), d.collection().value(), field, IndexedValues.head(value), d.id());
      (IndexedValues.overflows(value) ? overflow : index).add(row);
    }));
    assertThat(entries).as("writes of a value too large to index (overflow entries were maintained)")
        .anyMatch(e -> IndexedValues.overflowCount(e.after()) > 0);
    sameEntries("index_entries", entries("SELECT db, collection, field, value, doc_id FROM index_entries"), index);
    sameEntries("overflow_entries", entries("SELECT db, collection, field, head, doc_id FROM overflow_entries"),
        overflow);
  }

  private static void sameEntries(String table, Set<String> actual, Set<String> expected) {
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    assertThat(missing).as("entries of the stored documents missing from %s (db/collection field value id)", table)
        .isEmpty();
    assertThat(extra).as("rows of %s no stored document has (db/collection field value id)", table).isEmpty();
  }

  private static String entry(String db, String collection, String field, byte[] value, String id) {
    return db + "/" + collection + " " + field + " " + HexFormat.of().formatHex(value) + " " + id;
  }

  private Set<String> entries(String query) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Statement s = sql.createStatement(); ResultSet r = s.executeQuery(query)) {
      while (r.next()) {
        out.add(entry(r.getString(1), r.getString(2), r.getString(3), r.getBytes(4), r.getString(5)));
      }
    }
    return out;
  }

  private void usageAgreesWithDocuments() throws SQLException {
    Map<String, String> recount = new TreeMap<>();
    Map<String, long[]> sums = new HashMap<>();
    stored.forEach((key, d) -> {
      if (!d.deleted()) {
        long[] sum = sums.computeIfAbsent(key.database(), k -> new long[2]);
        sum[0]++;
        sum[1] += WriteTransaction.storedSize(key.database(), d.path(), Json.toString(d.data()));
      }
    });
    sums.forEach((db, sum) -> recount.put(db, db + " " + sum[0] + " " + sum[1]));
    Map<String, String> usage = new TreeMap<>();
    for (String row : rows("SELECT db, sum(documents), sum(storage_bytes) FROM database_usage GROUP BY db"
        + " HAVING sum(documents) > 0 OR sum(storage_bytes) > 0")) { // the sum of the database's shards
      usage.put(row.split(" ")[0], row);
    }
    assertThat(usage).as("database_usage (db, documents, bytes) vs a recount of the live documents").isEqualTo(recount);
  }

  private List<String> rows(String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = sql.createStatement(); ResultSet r = s.executeQuery(query)) {
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? " " : "").append(r.getString(i));
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static List<ChangeEvent> readAll(ChangeLog log) {
    List<ChangeEvent> all = new ArrayList<>();
    long after = log.firstSeq() - 1;
    List<ChangeEvent> page;
    while (!(page = log.read(after, 1000)).isEmpty()) {
      all.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
    return all;
  }

  /** Every row of {@code documents}, tombstones included, read as the engine reads them. */
  private static Map<DocKey, Document> readDocuments(Connection sql) throws SQLException {
    Map<DocKey, Document> out = new HashMap<>();
    try (Statement s = sql.createStatement();
         ResultSet r = s.executeQuery("SELECT db, collection, " + DocumentRows.COLUMNS + " FROM documents")) {
      while (r.next()) {
        Document d = DocumentRows.document(CollectionPath.of(r.getString(2)), r, 3);
        out.put(new DocKey(r.getString(1), d.path()), d);
      }
    }
    return out;
  }
}
