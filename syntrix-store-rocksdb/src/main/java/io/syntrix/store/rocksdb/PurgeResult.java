package io.syntrix.store.rocksdb;

/**
 * What one retention run removed, the first change-log seq retained after it, and whether more
 * expired data is left for another run.
 */
public record PurgeResult(int tombstonesPurged, int changesPurged, long firstSeqAfter, boolean more) {}
