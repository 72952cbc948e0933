package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.postgres.log.PostgresChangeLog;
import io.syntrix.store.postgres.log.SequenceFollower;
import io.syntrix.testkit.ChangeLogContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class PostgresChangeLogTest extends ChangeLogContract {
  private final PostgresTestStores stores = new PostgresTestStores(getClass().getSimpleName());

  @Override
  protected DocumentStore openStore() {
    return stores.open();
  }

  @Override
  protected long lastSeq() {
    return stores.lastSeq();
  }

  /**
   * A reader never gets an entry this process's follower has not published: {@code lastSeq()}
   * bounds every read, as on RocksDB. (Found with the server suite on PostgreSQL: a client given a
   * seq ahead of {@code lastSeq()} and resuming from it at once was taken for a stranger and reset.)
   */
  @Test
  void readsGoNoFurtherThanTheFollowedLastSeq() throws Exception {
    PostgresDocumentStore store = stores.open();
    for (int i = 0; i < 5; i++) {
      store.create("db", DocumentPath.of("c/d" + i), MapValue.builder().build());
    }
    PGSimpleDataSource tables = new PGSimpleDataSource();
    tables.setURL(stores.jdbcUrl());
    try (SequenceFollower behind = new SequenceFollower(stores.jdbcUrl(), 3)) { // never started: stays at 3
      PostgresChangeLog log = new PostgresChangeLog(tables, behind, ChangeMessage::change);
      assertThat(log.read(0, 10)).extracting(ChangeEvent::seq).containsExactly(1L, 2L, 3L);
      assertThat(log.read(3, 10)).isEmpty();
      assertThat(log.readCollection(0, 10, "db", CollectionPath.of("c")).changes()).hasSize(3);
    }
    assertThat(store.changeLog().read(0, 10)).hasSize(5);
  }

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }
}
