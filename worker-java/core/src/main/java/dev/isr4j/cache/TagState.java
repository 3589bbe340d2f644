package dev.isr4j.cache;

/** A tag's invalidations as last read; {@code unknown}: the record could not be read (fail closed). */
record TagState(long expiredAt, long staleAt, long readAt, boolean unknown) {
    static TagState unreadable(long now) {
        return new TagState(now, now, now, true);
    }

    /** Both states' revalidations (each only ever moves later), as read at {@code now}. */
    static TagState latest(TagState a, TagState b, long now) {
        return new TagState(Math.max(a.expiredAt(), b.expiredAt()), Math.max(a.staleAt(), b.staleAt()), now, false);
    }
}
