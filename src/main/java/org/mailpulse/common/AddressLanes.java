package org.mailpulse.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits a chunk of rows among parallel writers by address: one address always goes to the same writer, so
 * writers running at once never insert the same customer (which would make one wait for the other's commit).
 */
public final class AddressLanes {

    private AddressLanes() {
    }

    /** The rows in {@code lanes} lists (some possibly empty), each in the order given. */
    public static <T> List<List<T>> split(List<T> rows, Function<T, String> address, int lanes) {
        List<List<T>> split = new ArrayList<>(lanes);
        for (int i = 0; i < lanes; i++) {
            split.add(new ArrayList<>(rows.size() / lanes + 1));
        }
        for (T row : rows) {
            split.get(Math.floorMod(address.apply(row).hashCode(), lanes)).add(row);
        }
        return split;
    }
}
