package dev.isr4j.cache;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler.TagReads;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.Clock;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvStore;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.store.StoredEntries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read a host starts before it hands Java the request (the location's copy when there is a regional tier,
 * else the KV entry), and what it found: classified at once from the tag states this isolate knows (reading
 * nothing, taking no lock, logging nothing, so a host may call it where nothing may wait), or by the full lookup.
 */
final class EarlyReads {
    private final KvKeys keys;
    private final EntryReads entries;
    private final RegionalCopies regional;
    private final TagStates tags;
    private final TagCache cache;
    private final TagRecords records;
    private final Clock clock;

    /** @param regional the location's copies, read before KV; or null */
    EarlyReads(KvKeys keys, EntryReads entries, RegionalCopies regional, TagStates tags, TagCache cache,
               TagRecords records, Clock clock) {
        this.keys = keys;
        this.entries = entries;
        this.regional = regional;
        this.tags = tags;
        this.cache = cache;
        this.records = records;
        this.clock = clock;
    }

    EarlyRead earlyRead(String key) {
        return new EarlyRead(key, keys.entry(key), regional != null ? keys.regional(key) : null);
    }

    /** Classifies what an early read found: a regional copy that is not fresh falls through to KV. */
    CacheLookup lookup(EarlyRead.Found found, BackgroundWork background) {
        String key = found.read().cacheKey();
        if (found.regional() && regional != null) {
            CacheLookup copy = regional.lookup(key, found.stored());
            return copy != null ? copy : entries.read(key, background);
        }
        return entries.lookup(key, found.stored(), background);
    }

    /**
     * A fresh (or stale) entry the early read found, classified from its tags' states as last read, within the
     * window they are trusted for. Null for anything else (absent, unreadable, another key's, a body kept in R2, a
     * tag not known here, a KV entry a regional copy should be made of): the full lookup decides those.
     */
    CacheLookup lookupNow(EarlyRead.Found found) {
        long now = clock.millis();
        KvEntryFormat.Decoded decoded = classifiableNow(found, now);
        if (decoded == null) {
            return null;
        }
        CacheEntry entry = decoded.entry();
        Map<String, TagState> known = new HashMap<>();
        for (String tag : entry.tags()) {
            TagState state = cache.knownNow(tag, now);
            if (state == null) {
                return null; // not known here, unreadable or no longer trusted: the full lookup reads it
            }
            known.put(tag, state);
        }
        CacheLookup lookup = CacheLookup.classify(entry, now, TagStates.byTags(entry.tags(), entry.lastModified(),
                known));
        if (lookup.state() == CacheLookup.State.MISS
                || (found.regional() && lookup.state() != CacheLookup.State.FRESH)) {
            return null; // expired or revalidated, or a regional copy that is not fresh: the full lookup decides
        }
        return lookup;
    }

    /**
     * The records of the tags of what the early read found that {@link #lookupNow} lacks, when reading them could
     * let it answer: an entry it can classify now but for those tags, with tag records in KV (not a tag store).
     */
    TagReads tagReadsNow(EarlyRead.Found found) {
        long now = clock.millis();
        if (!cache.trusts(new TagState(-1, -1, now, false), now)) {
            return null; // tag states are never trusted (a window of 0): what is read now could not be used
        }
        KvEntryFormat.Decoded decoded = !tags.inTagStore() ? classifiableNow(found, now) : null;
        if (decoded == null || now >= decoded.entry().expireAt()) {
            return null;
        }
        var missing = new ArrayList<String>();
        var storeKeys = new ArrayList<String>();
        for (String tag : decoded.entry().tags()) {
            TagState seen = cache.mirrored(tag);
            if (seen != null && seen.unknown() && cache.trusts(seen, now)) {
                return null; // its last read failed moments ago: the full path fails closed without reading again
            }
            if (cache.knownNow(tag, now) == null && !missing.contains(tag)) {
                missing.add(tag);
                storeKeys.add(records.key(tag));
            }
        }
        return missing.isEmpty() ? null : new TagReads(missing, storeKeys);
    }

    /**
     * Learns what reads of {@link #tagReadsNow} found, for {@link #lookupNow} only (without the lock the tag cache
     * takes, so nothing here may wait). A failed or foreign read teaches nothing.
     */
    void learnTagReads(TagReads reads, List<KvStore.TextRead> results) {
        if (reads == null || results == null) {
            return;
        }
        long now = clock.millis();
        if (cache.learnsNothing(now)) {
            return; // revalidations made here were forgotten: nothing is learned without the full path's lock
        }
        for (int i = 0; i < reads.tags().size() && i < results.size(); i++) {
            String tag = reads.tags().get(i);
            KvStore.TextRead read = results.get(i);
            if (read == null || read.failure() != null || !reads.storeKeys().get(i).equals(records.key(tag))) {
                continue;
            }
            TagRecords.TagRead learned = records.parse(tag, read, now);
            if (learned.foreign() || learned.state().unknown()) {
                continue;
            }
            cache.learn(tag, learned.state(), now);
        }
    }

    /**
     * What the early read found, decoded, when {@link #lookupNow} may classify it: a verified entry of the key read,
     * its body in KV (not R2), not written in the future, and read from the regional copy when there is one.
     */
    private KvEntryFormat.Decoded classifiableNow(EarlyRead.Found found, long now) {
        if (found == null || found.stored() == null || (regional != null && !found.regional())) {
            return null;
        }
        KvEntryFormat.Decoded decoded;
        try {
            decoded = KvEntryFormat.decode(found.stored());
        } catch (RuntimeException e) {
            return null;
        }
        if (decoded.object() != null || !decoded.key().equals(found.read().cacheKey())
                || StoredEntries.writtenInTheFuture(decoded.entry().lastModified(), now)) {
            return null;
        }
        return decoded;
    }
}
