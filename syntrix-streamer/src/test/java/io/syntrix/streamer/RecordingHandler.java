package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Records what a stream hands over; can hold deliveries back behind a gate to play a slow gateway. */
class RecordingHandler implements DeliveryHandler {
  /** One (subscription, seq, op) as delivered. */
  record Hit(String subscriptionId, long seq, Op op) {}

  final List<EventDelivery> deliveries = new CopyOnWriteArrayList<>();
  final List<String> resets = new CopyOnWriteArrayList<>();
  /** Every delivery ("seq") and skipped-change signal ("failed seq [ids]: reason"), in the order handed over. */
  final List<String> calls = new CopyOnWriteArrayList<>();
  final CompletableFuture<CutOff> cutOff = new CompletableFuture<>();
  final List<String> threads = new CopyOnWriteArrayList<>();
  volatile CountDownLatch gate;
  volatile RuntimeException failWith;

  @Override
  public void onDelivery(EventDelivery delivery) {
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RuntimeException fail = failWith;
    if (fail != null) {
      throw fail;
    }
    if (threads.isEmpty()) {
      threads.add(Thread.currentThread().getName());
    }
    deliveries.add(delivery);
    calls.add(Long.toString(delivery.seq()));
  }

  @Override
  public void onChangeFailed(List<String> subscriptionIds, long seq, String reason) {
    calls.add("failed " + seq + " " + subscriptionIds.stream().sorted().toList() + ": " + reason);
  }

  @Override
  public void onReset(String subscriptionId, long liveAfterSeq) {
    resets.add(subscriptionId + "@" + liveAfterSeq);
  }

  @Override
  public void onCutOff(CutOff c) {
    cutOff.complete(c);
  }

  /** Everything delivered, per subscription, in delivery order. */
  Map<String, List<Hit>> hits() {
    Map<String, List<Hit>> out = new LinkedHashMap<>();
    for (EventDelivery d : deliveries) {
      for (int i = 0; i < d.size(); i++) {
        out.computeIfAbsent(d.subscriptionIds().get(i), k -> new ArrayList<>())
            .add(new Hit(d.subscriptionIds().get(i), d.seq(), d.operations().get(i)));
      }
    }
    return out;
  }

  List<Hit> hits(String subscriptionId) {
    return hits().getOrDefault(subscriptionId, List.of());
  }
}
