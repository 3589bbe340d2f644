package dev.isr4j.api;

/** The result of {@link CacheHandler#get}: an entry and whether it may be served as is. */
public record CacheLookup(State state, CacheEntry entry) {
    public enum State {
        /** Servable without regeneration. */
        FRESH,
        /** Servable while one background regeneration runs. */
        STALE,
        /** Nothing servable. */
        MISS,
        /** Something unreadable is stored under the key; treat as MISS and delete it. */
        CORRUPT
    }

    public static final CacheLookup MISS = new CacheLookup(State.MISS, null);
    public static final CacheLookup CORRUPT = new CacheLookup(State.CORRUPT, null);

    public static CacheLookup fresh(CacheEntry entry) {
        return new CacheLookup(State.FRESH, entry);
    }

    public static CacheLookup stale(CacheEntry entry) {
        return new CacheLookup(State.STALE, entry);
    }

    /**
     * Something is stored but may not be served (expired, or invalidated by a tag): a MISS that is not an
     * absence, so a page prerendered at build time is not served in its place. The entry is never handed out.
     */
    public static final CacheLookup INVALIDATED = new CacheLookup(State.MISS, null);

    /**
     * The key's storage slot holds the entry of another key (their hashed storage keys collide): a MISS that
     * is not an absence, and the caller must not write over the other key's entry (its answer goes uncached).
     */
    public static final CacheLookup OCCUPIED = new CacheLookup(State.MISS, null);

    /**
     * Classifies a stored entry at {@code now}: past {@code expireAt} or hard-invalidated by a tag, a MISS that is
     * not an absence; past {@code revalidateAt} or soft-invalidated, STALE; otherwise FRESH. Tags are consulted
     * only for an unexpired entry (reading them may cost I/O).
     */
    public static CacheLookup classify(CacheEntry entry, long now, CacheHandler tags) {
        if (now >= entry.expireAt()) {
            return INVALIDATED; // its tags need not be read
        }
        return classify(entry, now, tags.tagState(entry.tags(), entry.lastModified()));
    }

    /** As {@link #classify(CacheEntry, long, CacheHandler)}, with what the entry's tags say already known. */
    public static CacheLookup classify(CacheEntry entry, long now, State byTags) {
        if (now >= entry.expireAt() || byTags == State.MISS) {
            return INVALIDATED;
        }
        return now >= entry.revalidateAt() || byTags == State.STALE ? stale(entry) : fresh(entry);
    }

    /** True when nothing is stored under the key (every MISS except {@link #INVALIDATED} and {@link #OCCUPIED}). */
    public boolean absent() {
        return state == State.MISS && this != INVALIDATED && this != OCCUPIED;
    }
}
