package dev.isr4j.bind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The order a set's elements or a map's members are written in. A hash set's order is an accident of its
 * implementation (and {@code Set.of}'s changes with every JVM run), so one value would give different bytes on
 * the JVM and in Wasm; those are sorted. Orders a collection owns (linked, sorted) are kept.
 */
final class Ordering {
    private Ordering() {
    }

    static <T> Collection<T> set(Collection<T> set) {
        if (set instanceof LinkedHashSet<?> || set instanceof SortedSet<?> || set.size() < 2) {
            return set;
        }
        List<T> items = new ArrayList<>(set);
        for (T item : items) {
            if (!(item instanceof Comparable<?>)) {
                return set; // no order of their own to fall back on
            }
        }
        items.sort(Ordering::compare);
        return items;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    static <V> Collection<Map.Entry<String, V>> map(Map<String, V> map) {
        if (map instanceof LinkedHashMap<?, ?> || map instanceof SortedMap<?, ?> || map.size() < 2) {
            return map.entrySet();
        }
        List<Map.Entry<String, V>> entries = new ArrayList<>(map.entrySet());
        entries.sort(Map.Entry.comparingByKey(Ordering::compareKeys));
        return entries;
    }

    private static int compareKeys(String a, String b) {
        return a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
    }
}
