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
}
