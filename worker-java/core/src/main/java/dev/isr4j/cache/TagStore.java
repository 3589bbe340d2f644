package dev.isr4j.cache;

import java.util.List;
import java.util.Map;

/**
 * Where {@link KvCacheHandler} keeps tag records when they are not in KV (the coordinator): all of a lookup's
 * tags are asked for in one go. Both methods throw when the store cannot answer; the handler then reads the
 * KV copies it keeps of the records, and fails closed only when those cannot be read either.
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
