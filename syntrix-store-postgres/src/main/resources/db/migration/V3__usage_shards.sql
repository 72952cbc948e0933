-- A database's usage counts spread over rows (shards). Every write of a database used to update
-- its one usage row, and a row lock is held until commit, so all writes of a database committed
-- one after another. Writes of a database without a quota now add to a shard of their writer
-- thread's (1..64), so commits of different writers group; writes under a quota keep using
-- shard 0 under its lock and add the other shards' sum, which keeps the quota check exact.
ALTER TABLE database_usage ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE database_usage DROP CONSTRAINT database_usage_pkey;
ALTER TABLE database_usage ADD PRIMARY KEY (db, shard);
