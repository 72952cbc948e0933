-- The change log (docs/design/postgres-changelog.md): filled by the one active sequencer from the
-- logical replication slot, read by seq from any process. Seqs are gap-free and in commit order.
CREATE TABLE syntrix_changes (
  seq          bigint PRIMARY KEY,
  xid          bigint NOT NULL,        -- the writing transaction (low 32 bits, as decoding reports it)
  commit_lsn   pg_lsn NOT NULL,        -- its commit record: seq order is commit_lsn order
  committed_at bigint NOT NULL,        -- commit time, Unix ms (retention)
  db           text   NOT NULL,
  collection   text   NOT NULL,
  doc_id       text   NOT NULL,
  payload      bytea  NOT NULL         -- the writer's encoding of the change, without its seq
);
CREATE INDEX syntrix_changes_by_collection ON syntrix_changes (db, collection, seq);
-- Read snapshots look up the recent writers they may not see (xid >= their xmin).
CREATE INDEX syntrix_changes_by_xid ON syntrix_changes (xid);

-- The sequencer's position, updated in the same transaction as the entries it sequenced.
CREATE TABLE syntrix_sequencer (
  id        int    PRIMARY KEY CHECK (id = 1),
  last_seq  bigint NOT NULL,
  end_lsn   pg_lsn NOT NULL,           -- the slot may be confirmed up to here
  first_seq bigint NOT NULL            -- the lowest seq retention kept
);
INSERT INTO syntrix_sequencer VALUES (1, 0, '0/0', 1);
