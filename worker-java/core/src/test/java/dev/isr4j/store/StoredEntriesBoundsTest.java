package dev.isr4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StoredEntries#bounded}: only ever staler, never overflowing, a shorter lifetime kept. */
class StoredEntriesBoundsTest {
    private static final long NOW = 1_700_000_000_000L;

    private static CacheEntry entry(long lm, long ra, long ea) {
        return new CacheEntry(new CacheValue(200, Headers.of(), Body.EMPTY), lm, ra, ea, List.of("t"));
    }

    @Test
    void anEntryWithinTheBoundsIsTheSameLookup() {
        var fresh = CacheLookup.fresh(entry(NOW, NOW + 10_000, NOW + 100_000));
        assertSame(fresh, StoredEntries.bounded(fresh, NOW, 60, 3600));
        var staleByTag = CacheLookup.stale(entry(NOW, NOW + 10_000, NOW + 100_000));
        assertSame(staleByTag, StoredEntries.bounded(staleByTag, NOW, 60, 3600), "a tag's STALE verdict stays");
        assertSame(CacheLookup.OCCUPIED, StoredEntries.bounded(CacheLookup.OCCUPIED, NOW, 60, 3600));
    }

    @Test
    void timestampsAtTheEndOfTimeAreBoundedWithoutOverflow() {
        var pinned = CacheLookup.fresh(entry(NOW, Long.MAX_VALUE, Long.MAX_VALUE));
        var bounded = StoredEntries.bounded(pinned, NOW, Long.MAX_VALUE / 999, Long.MAX_VALUE);
        assertEquals(CacheLookup.State.FRESH, bounded.state());
        bounded = StoredEntries.bounded(pinned, NOW + 61_000, 60, 3600);
        assertEquals(CacheLookup.State.STALE, bounded.state());
        assertEquals(NOW + 60_000, bounded.entry().revalidateAt());
        assertEquals(NOW + 3_600_000, bounded.entry().expireAt());
        assertSame(CacheLookup.INVALIDATED, StoredEntries.bounded(pinned, NOW + 3_600_000, 60, 3600));
    }

    @Test
    void revalidateNeverPassesTheBoundedExpire() {
        var e = entry(NOW, NOW + 500_000, NOW + 1_000_000);
        var bounded = StoredEntries.bounded(CacheLookup.fresh(e), NOW, 600, 100);
        assertEquals(NOW + 100_000, bounded.entry().revalidateAt());
        assertEquals(NOW + 100_000, bounded.entry().expireAt());
    }

    @Test
    void aLastWriteBeyondTheClockSkewIsInvalidated() {
        long future = NOW + StoredEntries.MAX_CLOCK_SKEW_MILLIS + 1;
        var lookup = CacheLookup.fresh(entry(future, future + 1000, future + 2000));
        assertSame(CacheLookup.INVALIDATED, StoredEntries.bounded(lookup, NOW, 60, 3600));
    }
}
