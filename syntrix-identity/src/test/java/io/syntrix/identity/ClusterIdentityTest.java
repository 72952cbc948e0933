package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.SystemStore.Versioned;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes over one PostgreSQL database behave as one server: each "process" here is
 * a store of its own (its own connection pool) with its own {@link IdentityServices} and its own
 * data directory, as gateways of a cluster would be. A token issued by one works on every
 * other, bootstrap started by all at the same moment yields one admin, one {@code default}
 * database and one signing key, and a change made through one is effective on the others
 * within a second, without restarting them.
 */
class ClusterIdentityTest {
  private static final PasswordHasher CHEAP = new PasswordHasher(1024, 1, 1);
  private static final String PASSWORD = "Sx!cluster-pass-9a";
  private static final Duration WITHIN_A_SECOND = Duration.ofMillis(1_500);

  @TempDir
  Path dir;
  private final List<EmbeddedPostgresServer.TestDatabase> databases = new ArrayList<>();
  private final List<DocumentStore> stores = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(DocumentStore::close);
    databases.forEach(EmbeddedPostgresServer.TestDatabase::close);
  }

  /** {@code n} stores on one new database, opened one after the other (the schema is made by the first). */
  private List<DocumentStore> cluster(int n) {
    EmbeddedPostgresServer.TestDatabase db = EmbeddedPostgresServer.shared().createDatabase("identity_cluster");
    databases.add(db);
    List<DocumentStore> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DocumentStore store = new PostgresDocumentStore(PostgresStoreOptions.defaults(db.jdbcUrl()).withPool(2, 1)
          .withSequencer(false));
      stores.add(store);
      out.add(store);
    }
    return out;
  }

  /** A process's options: its own data directory (so no key file is shared), the admin password given or not. */
  private IdentityServices.Options options(int process, String adminPassword) {
    return IdentityServices.Options.defaults(dir.resolve("process-" + process)).withHasher(CHEAP)
        .withAdminPassword(adminPassword);
  }

  /** Starts identity on every store at the same moment (a barrier releases the starters together). */
  private List<IdentityServices> startTogether(List<DocumentStore> cluster, String adminPassword) throws Exception {
    CyclicBarrier together = new CyclicBarrier(cluster.size());
    ExecutorService starters = Executors.newFixedThreadPool(cluster.size());
    try {
      List<Future<IdentityServices>> started = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        int process = i;
        started.add(starters.submit(() -> {
          together.await();
          return IdentityServices.start(cluster.get(process), options(process, adminPassword));
        }));
      }
      List<IdentityServices> out = new ArrayList<>();
      for (Future<IdentityServices> f : started) {
        out.add(f.get());
      }
      return out;
    } finally {
      starters.shutdownNow();
    }
  }

  @Test
  void concurrentStartsBootstrapOneAdminOneDefaultDatabaseAndOneKey() throws Exception {
    for (int round = 0; round < 3; round++) {
      List<DocumentStore> cluster = cluster(4);
      List<IdentityServices> processes = startTogether(cluster, null);

      List<String> generated = processes.stream().map(IdentityServices::generatedAdminPassword)
          .filter(Objects::nonNull).toList();
      assertThat(generated).as("round %d: only the process that created the admin prints a password", round)
          .hasSize(1);
      var system = cluster.get(0).system();
      assertThat(system.scan("users", null, 10)).as("round %d: users", round).hasSize(1);
      assertThat(system.scan("usernames", null, 10)).hasSize(1);
      assertThat(system.scan("databases", null, 10)).as("round %d: databases", round).hasSize(1);
      assertThat(system.scan("slugs", null, 10)).hasSize(1);
      assertThat(system.scan("keys", null, 10)).as("round %d: signing keys", round).hasSize(1);
      String adminId = system.scan("users", null, 10).get(0).key();
      for (IdentityServices p : processes) {
        assertThat(p.auth().userByName("syntrix").orElseThrow().id()).isEqualTo(adminId);
        assertThat(p.databases().find("default").orElseThrow().ownerId()).isEqualTo(adminId);
      }
      // The winner's password works everywhere, and so do the tokens each process signs.
      for (IdentityServices issuer : processes) {
        String access = issuer.auth().login("syntrix", generated.get(0)).accessToken();
        for (IdentityServices verifier : processes) {
          assertThat(verifier.auth().authenticate(access).isAdmin()).isTrue();
        }
      }
    }
  }

  @Test
  void aTokenIssuedByOneProcessWorksOnTheOther() throws Exception {
    List<IdentityServices> p = startTogether(cluster(2), PASSWORD);
    IdentityServices a = p.get(0);
    IdentityServices b = p.get(1);

    AuthService.TokenPair pair = a.auth().signup("alice", PASSWORD);
    assertThat(b.auth().authenticate(pair.accessToken()).username()).isEqualTo("alice");
    AuthService.TokenPair rotated = b.auth().refresh(pair.refreshToken());
    assertThat(a.auth().authenticate(rotated.accessToken()).username()).isEqualTo("alice");
    assertThatThrownBy(() -> a.auth().refresh(pair.refreshToken())).as("single use across processes")
        .isInstanceOfSatisfying(SyntrixException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    // The reuse revoked the family everywhere: the rotated pair is dead on both.
    assertThatThrownBy(() -> b.auth().authenticate(rotated.accessToken())).isInstanceOf(SyntrixException.class);

    AuthService.TokenPair again = b.auth().login("alice", PASSWORD);
    a.auth().logout(again.refreshToken());
    assertThatThrownBy(() -> b.auth().authenticate(again.accessToken())).as("logout through the other process")
        .isInstanceOfSatisfying(SyntrixException.class, e -> assertThat(e.getMessage()).contains("revoked"));
  }

  @Test
  void aUserDisabledOrPromotedThroughOneProcessIsSoOnTheOtherWithinASecond() throws Exception {
    List<IdentityServices> p = startTogether(cluster(2), PASSWORD);
    IdentityServices a = p.get(0);
    IdentityServices b = p.get(1);
    String access = a.auth().signup("bob", PASSWORD).accessToken();
    assertThat(b.auth().authenticate(access).isAdmin()).isFalse();
    String bobId = a.auth().userByName("bob").orElseThrow().id();

    a.auth().updateUser(bobId, List.of("user", "admin"), null, null);
    await().atMost(WITHIN_A_SECOND).untilAsserted(() -> assertThat(b.auth().authenticate(access).isAdmin()).isTrue());

    a.auth().updateUser(bobId, null, null, true);
    await().atMost(WITHIN_A_SECOND).untilAsserted(() -> assertThatThrownBy(() -> b.auth().authenticate(access))
        .isInstanceOfSatisfying(SyntrixException.class, e -> assertThat(e.getMessage()).contains("disabled")));
    assertThat(p.get(1)).as("the same process, not restarted").isSameAs(b);
  }

  @Test
  void rulesPushedThroughOneProcessApplyOnTheOtherWithinASecond() throws Exception {
    List<IdentityServices> p = startTogether(cluster(2), PASSWORD);
    IdentityServices a = p.get(0);
    IdentityServices b = p.get(1);
    String db = a.databases().find("default").orElseThrow().id();
    RulesService bRules = b.rules();
    String before = bRules.rulesOf(db).orElseThrow().yaml();
    String closed = before.replace("request.auth.userId != null", "false");
    assertThat(closed).isNotEqualTo(before);

    a.rules().push(db, closed);
    long pushed = System.nanoTime();
    await().atMost(WITHIN_A_SECOND).pollInterval(Duration.ofMillis(20))
        .until(() -> bRules.rulesOf(db).orElseThrow().yaml().equals(closed));
    assertThat(Duration.ofNanos(System.nanoTime() - pushed)).as("seen within the check interval")
        .isLessThan(Duration.ofMillis(1_200));
    assertThat(b.rules()).as("the same service, not restarted").isSameAs(bRules);
    assertThat(a.rules().rulesOf(db).orElseThrow().yaml()).as("the pushing process at once").isEqualTo(closed);
  }

  @Test
  void aDatabaseSuspendedThroughOneProcessIsRefusedByTheOtherWithinASecond() throws Exception {
    List<IdentityServices> p = startTogether(cluster(2), PASSWORD);
    IdentityServices a = p.get(0);
    IdentityServices b = p.get(1);
    Principal admin = a.auth().authenticate(a.auth().login("syntrix", PASSWORD).accessToken());
    a.databases().create(admin, new DatabaseService.Spec("Shop", "shop", null, null, null, null));
    DatabaseService bDatabases = b.databases();
    assertThat(bDatabases.resolveForData("shop").status()).isEqualTo(LogicalDatabase.ACTIVE);

    a.databases().update(admin, "shop", new DatabaseService.Changes(null, null, null, "suspended", null, null));
    await().atMost(WITHIN_A_SECOND).untilAsserted(() -> assertThatThrownBy(() -> bDatabases.resolveForData("shop"))
        .isInstanceOfSatisfying(SyntrixException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_SUSPENDED)));
    assertThat(b.databases()).as("the same service, not restarted").isSameAs(bDatabases);
  }

  @Test
  void aLaterProcessLoadsTheStoredKeyAndIgnoresItsOwnDataDirectory() throws Exception {
    List<DocumentStore> cluster = cluster(2);
    IdentityServices first = IdentityServices.start(cluster.get(0), options(0, PASSWORD));
    String access = first.auth().login("syntrix", PASSWORD).accessToken();
    IdentityServices later = IdentityServices.start(cluster.get(1), options(1, PASSWORD));
    assertThat(later.auth().authenticate(access).username()).isEqualTo("syntrix");
    assertThat(later.generatedAdminPassword()).isNull();
    Versioned key = cluster.get(1).system().get(SigningKeys.NAMESPACE, SigningKeys.SIGNING).orElseThrow();
    assertThat(key.version()).as("written once").isEqualTo(1);
    assertThat(dir.resolve("process-1").resolve("keys")).as("no key file of its own").doesNotExist();
  }
}
