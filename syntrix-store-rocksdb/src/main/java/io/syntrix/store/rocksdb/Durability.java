package io.syntrix.store.rocksdb;

/**
 * When the write-ahead log is fsynced. In both modes every acknowledged write is in the WAL
 * (written to the operating system) before its future completes, so it survives a crash of the
 * process; the mode decides what survives a crash of the machine.
 */
public enum Durability {
  /** fsync once per group commit, before acknowledging: nothing acknowledged is lost on power failure. */
  FSYNC_EACH_COMMIT,
  /** fsync at most every sync interval: power failure may lose the last interval of acknowledged writes. */
  FSYNC_PERIODIC
}
