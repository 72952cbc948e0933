package io.syntrix.streamer.match;

import java.util.Arrays;
import java.util.Map;

/**
 * An unordered array of registrations with O(1) add and O(1) remove (swap with the last; the
 * moved registration learns its new slot). A bucket that empties removes itself from its owner
 * map, so churn does not leave garbage keys behind.
 */
final class Bucket {
  final Object key;
  /** The map this bucket is a value of, under {@link #key}; null for residual and linear lists. */
  final Map<?, Bucket> owner;
  Registration[] items = new Registration[2];
  int size;

  Bucket(Object key, Map<?, Bucket> owner) {
    this.key = key;
    this.owner = owner;
  }

  /** Appends and returns the slot. */
  int add(Registration r) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size + (size >> 1) + 1);
    }
    items[size] = r;
    return size++;
  }

  /** Removes the registration at {@code slot}; drops this bucket from its owner when it empties. */
  void removeAt(int slot) {
    int last = --size;
    Registration moved = items[last];
    items[last] = null;
    if (slot != last) {
      items[slot] = moved;
      moved.slots[moved.slotIn(this)] = slot;
    }
    if (size == 0 && owner != null) {
      owner.remove(key);
    } else if (items.length > 16 && size < items.length / 4) {
      items = Arrays.copyOf(items, items.length / 2);
    }
  }
}
