package org.mailpulse.embedded.ses;

import java.util.ArrayDeque;
import java.util.List;

/** A thread-safe record of the latest {@code capacity} items, oldest first; older ones are dropped. */
final class Recorded<T> {

    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final int capacity;

    Recorded(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(T item) {
        items.addLast(item);
        if (items.size() > capacity) {
            items.removeFirst();
        }
    }

    synchronized List<T> snapshot() {
        return List.copyOf(items);
    }

    synchronized int size() {
        return items.size();
    }

    synchronized void clear() {
        items.clear();
    }
}
