package io.syntrix.store.postgres;

import java.util.concurrent.CompletableFuture;

/**
 * Where a committed write learns its {@code seq}. PostgreSQL commits writes from many processes in
 * an order only the WAL knows, so the store cannot number them itself: the sequencer reads the
 * commits from a logical replication slot and gives each transaction its seq (D13).
 *
 * <p>Contract: {@link PostgresDocumentStore} calls {@link #seqOf} once per write, on a writer
 * thread, right after the write's transaction committed, with that transaction's id
 * ({@code pg_current_xact_id()}, a 64-bit full transaction id). The sequencer may have sequenced
 * the transaction already, or not yet; either way the future completes with its seq once it has
 * one. Futures may complete on any thread; the store's continuation does not block. The store
 * applies no timeout: a sequencer that never answers leaves the write's future pending.
 */
public interface Sequencing {
  /** Completes with the seq of the committed transaction {@code xid}. */
  CompletableFuture<Long> seqOf(long xid);
}
