package io.syntrix.store.postgres;

/**
 * What one retention run removed, in how many transactions, and whether it stopped early because
 * another process was purging (that process carries on; this one tries again next interval).
 */
public record PurgeResult(long tombstonesPurged, long changesPurged, int transactions, boolean deferred) {}
