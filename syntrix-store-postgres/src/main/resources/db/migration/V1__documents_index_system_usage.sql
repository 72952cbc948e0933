-- Syntrix schema, version 1: documents, single-field index entries, overflow entries, system
-- records and per-database usage. The change log and its sequencer state come in version 2.
--
-- Every name, path, id and index key column uses the "C" collation, so text compares by bytes
-- (UTF-8 code points), exactly as RocksDB's keys do, whatever the database's locale; bytea
-- always compares bytewise (memcmp, then the shorter first), which is the unsigned byte order
-- that OrderedCode makes equal to the D4 order of values.

CREATE TABLE documents (
  db           text COLLATE "C" NOT NULL,
  collection   text COLLATE "C" NOT NULL,
  id           text COLLATE "C" NOT NULL,
  data         json    NOT NULL,  -- client data as compact JSON ({} for a tombstone); json keeps it verbatim
  version      bigint  NOT NULL,
  created_at   bigint  NOT NULL,  -- Unix ms
  updated_at   bigint  NOT NULL,  -- Unix ms; for a tombstone, when it was deleted
  deleted      boolean NOT NULL,
  stored_bytes bigint  NOT NULL,  -- what this row counts for in database_usage.storage_bytes when live
  PRIMARY KEY (db, collection, id)
);

-- Tombstone bookkeeping for retention: the tombstones in deletion order, nothing else.
CREATE INDEX documents_tombstones ON documents (updated_at) WHERE deleted;

-- One row per (document, indexed field) whose encoded value is at most 1,500 bytes. The primary
-- key's btree is the index: (value, doc_id) order is the D4 order of values, then ids.
CREATE TABLE index_entries (
  db         text COLLATE "C" NOT NULL,
  collection text COLLATE "C" NOT NULL,
  field      text COLLATE "C" NOT NULL,
  value      bytea NOT NULL,    -- OrderedCode form of the value
  doc_id     text COLLATE "C" NOT NULL,
  PRIMARY KEY (db, collection, field, value, doc_id)
);

-- Values too large to index (encoded form over 1,500 bytes): the first 1,500 bytes and the id.
-- Index scans read these beside index_entries, take the value from the document and check it.
CREATE TABLE overflow_entries (
  db         text COLLATE "C" NOT NULL,
  collection text COLLATE "C" NOT NULL,
  field      text COLLATE "C" NOT NULL,
  head       bytea NOT NULL,
  doc_id     text COLLATE "C" NOT NULL,
  PRIMARY KEY (db, collection, field, head, doc_id)
);

-- The server's own records (users, databases, tokens, rules): versioned compare-and-set.
CREATE TABLE system_records (
  namespace text COLLATE "C" NOT NULL,
  key       text COLLATE "C" NOT NULL,
  version   bigint NOT NULL,
  value     json   NOT NULL,
  PRIMARY KEY (namespace, key)
);

-- Live documents and their bytes per database, changed in the same transaction as the documents.
CREATE TABLE database_usage (
  db            text COLLATE "C" PRIMARY KEY,
  documents     bigint NOT NULL,
  storage_bytes bigint NOT NULL
);
