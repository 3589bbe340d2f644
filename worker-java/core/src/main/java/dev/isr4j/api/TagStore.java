package dev.isr4j.api;

import java.util.List;
import java.util.Map;

/**
 * Where a {@link CacheHandler} keeps tag records when one store holds them for every isolate (the coordinator):
 * all of a lookup's tags are asked for in one go. Both methods throw when the store cannot answer; the handler
 * then reads the copies it keeps of the records, and fails closed only when those cannot be read either. A
 * handler takes one through {@link CacheHandler#useTagStore}.
 */
public interface TagStore {
    /** A tag's last hard ({@code expiredAt}) and soft ({@code staleAt}) revalidation, epoch ms (-1: never). */
    record State(long expiredAt, long staleAt) {
    }

    /** The states of {@code tags}, one per tag. */
    Map<String, State> read(List<String> tags);

    /** Revalidates {@code tags} at {@code at} (soft: only marks them stale); the states after. */
    Map<String, State> revalidate(List<String> tags, boolean soft, long at);
}
