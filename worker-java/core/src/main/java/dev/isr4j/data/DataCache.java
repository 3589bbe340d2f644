package dev.isr4j.data;

import dev.isr4j.isr.BackgroundWrites;
import dev.isr4j.isr.RequestCollapser;
import dev.isr4j.isr.SingleFlight;
import dev.isr4j.route.RequestScope;
import dev.isr4j.route.RouteSpec;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.store.StoredEntries;
import dev.isr4j.text.Tags;
import dev.isr4j.Body;
import dev.isr4j.CacheProfile;
import dev.isr4j.CacheScope;
import dev.isr4j.CachedFunction;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.spi.ComputationContext;
import dev.isr4j.text.Utf8;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data cache behind {@link CachedFunction}: one entry per name and arguments (key {@link #key}, stored by KV
 * under {@code data:<name>:<fnv1a64 of name and arguments>}), stale-while-revalidate with one deduplicated background recomputation per key per isolate.
 */
public final class DataCache implements RequestScope.DataCalls {
    /** Stored header naming what the body holds: {@code text}, {@code bytes} or {@code null}. */
    static final String KIND_HEADER = "x-isr-data";

    private final CacheHandler handler;
    private final Log log;
    private final Map<String, CacheProfile> profiles;
    private final long defaultExpireSeconds;
    private final SingleFlight recomputations;
    private final Clock clock;

    /** Foreground computations of one key, collapsed: concurrent callers wait for one (see RequestCollapser). */
    private final RequestCollapser<Computed> computations;
    private volatile long collapseWaitMillis = dev.isr4j.isr.RouteCache.DEFAULT_COLLAPSE_WAIT_MILLIS;

    public DataCache(CacheHandler handler, Log log, Map<String, CacheProfile> profiles, long defaultExpireSeconds) {
        this(handler, log, profiles, defaultExpireSeconds, Clock.SYSTEM);
    }

    /**
     * @param clock the runtime's (and the cache handler's) clock: what stored entries are bounded at, and what
     *              bounds how long a caller waits for another's computation
     */
    public DataCache(CacheHandler handler, Log log, Map<String, CacheProfile> profiles, long defaultExpireSeconds,
                     Clock clock) {
        this.handler = handler;
        this.clock = clock;
        this.log = log;
        this.profiles = profiles;
        this.defaultExpireSeconds = defaultExpireSeconds;
        this.recomputations = new SingleFlight(log);
        this.computations = new RequestCollapser<>(clock, log, RequestCollapser.Pause.SLEEP);
    }

    /** How long a caller waits for another caller's computation of the same key (0: never). */
    public void collapseWaitMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("the collapse wait must be >= 0 ms, got " + millis);
        }
        this.collapseWaitMillis = millis;
    }

    /** Forgets the results this isolate would still hand on: it has just revalidated something. */
    public void forgetCollapsed() {
        computations.forgetShared();
    }

    /** How many callers wait now for another caller's computation of {@code key} in this isolate. */
    public int collapsedWaiters(String key) {
        return computations.waiting(key);
    }

    /** A foreground computation's result, handed to the callers that waited for it. */
    private record Computed(Object value, long revalidateSeconds, List<String> tags) {
    }

    /** Fails with a message when the profile {@code function} names does not exist. */
    public static void check(CachedFunction<?> function, Map<String, CacheProfile> profiles) {
        String profile = function.cacheLifeName();
        if (profile != null && !profiles.containsKey(profile)) {
            throw RouteSpec.unknownProfile(profile, profiles);
        }
    }


    /**
     * The cache key: name and arguments, length-prefixed so ("a,b") and ("a","b") differ. Storage hashes it
     * ({@link CacheKeys#storageKey}); log it through {@link CacheKeys#storageKey} (arguments may hold anything).
     */
    public static String key(String name, List<String> args) {
        var sb = new StringBuilder(name);
        for (String a : args) {
            if (a == null) {
                sb.append('\u0001').append('N'); // no string argument encodes to this: lengths start with a digit
            } else {
                sb.append('\u0001').append(a.length()).append(':').append(a);
            }
        }
        return "data:" + sb;
    }

    @Override
    public <T> T get(CachedFunction<T> function, Request request, List<String> args) throws Exception {
        return get(function, request, null, args);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(CachedFunction<T> def, Request request, CacheScope parent, List<String> args) throws Exception {
        String key = key(def.name(), args);
        Env env = request != null ? request.env() : parent.env();
        RequestScope requestScope = request != null ? RequestScope.of(request) : ((Scope) parent).requestScope();
        CacheLookup lookup = lookup(def, key);
        if (lookup.state() == CacheLookup.State.FRESH || lookup.state() == CacheLookup.State.STALE) {
            CacheEntry entry = lookup.entry();
            Object value;
            try {
                value = decode(entry.value(), def.returnsBytes());
            } catch (IllegalArgumentException e) {
                log.warn("data cache entry " + CacheKeys.storageKey(key) + " is unreadable (" + e.getMessage()
                        + "); recomputing");
                return compute(def, key, args, env, requestScope, parent, true, true);
            }
            if (lookup.state() == CacheLookup.State.STALE) {
                startRecompute(def, key, args, env, requestScope);
            }
            noteStored(requestScope, parent, entry);
            return (T) value;
        }
        // Another key's entry in this key's storage slot (a hash collision) stays: computed, not stored.
        if (lookup == CacheLookup.OCCUPIED) {
            return compute(def, key, args, env, requestScope, parent, true, false);
        }
        // Concurrent callers of one key wait for one computation; one that throws fails only its own caller.
        RequestCollapser.Turn<Computed> turn = computations.join(key, null, collapseWaitMillis);
        Computed shared = turn.shared();
        if (shared != null) {
            note(requestScope, parent, shared.revalidateSeconds(), shared.tags());
            return (T) shared.value();
        }
        try {
            if (turn.followsAWrite()) {
                // This caller may have read the store before the last computation's write landed: read it again.
                CacheLookup again = lookup(def, key);
                if (again.state() == CacheLookup.State.FRESH) {
                    try {
                        Object value = decode(again.entry().value(), def.returnsBytes());
                        noteStored(requestScope, parent, again.entry());
                        return (T) value;
                    } catch (IllegalArgumentException e) {
                        // unreadable: computed below
                    }
                }
            }
            return compute(def, key, args, env, requestScope, parent, true, true, turn);
        } finally {
            turn.fail(); // ended without sharing (it threw): the next waiter computes
        }
    }

    private <T> T compute(CachedFunction<T> def, String key, List<String> args, Env env, RequestScope requestScope,
                          CacheScope parent, boolean inForeground, boolean store) throws Exception {
        return compute(def, key, args, env, requestScope, parent, inForeground, store, null);
    }

    /** A read of {@code key} whose failure is a miss (logged), bounded by what {@code def} may be written with now. */
    private CacheLookup lookup(CachedFunction<?> def, String key) {
        CacheLookup lookup;
        try {
            lookup = handler.get(key);
            if (lookup == null) {
                lookup = CacheLookup.MISS;
            }
        } catch (RuntimeException e) {
            log.error("data cache read failed for " + CacheKeys.storageKey(key) + "; computing without the cache", e);
            lookup = CacheLookup.MISS;
        }
        return StoredEntries.bounded(lookup, clock.millis(), longestRevalidate(def), longestExpire(def));
    }

    /** What a stored entry used bounds in the caller: its revalidate and tags. */
    private static void noteStored(RequestScope requestScope, CacheScope parent, CacheEntry entry) {
        note(requestScope, parent, Math.max(1, entry.revalidateSeconds()), entry.tags());
    }

    /**
     * @param inForeground computing for the caller (its enclosing entry is bounded by this one, the write is
     *                     scheduled); otherwise a background recomputation, which writes before it ends
     * @param store whether to write the value to the cache
     */
    /** @param turn this caller's place among concurrent callers of the key, handed the result; or null */
    private <T> T compute(CachedFunction<T> def, String key, List<String> args, Env env, RequestScope requestScope,
                          CacheScope parent, boolean inForeground, boolean store,
                          RequestCollapser.Turn<Computed> turn) throws Exception {
        var scope = new Scope(this, def, args, env, requestScope);
        T value = def.computation().compute(scope, args);
        if (value != null && !(def.returnsBytes() ? value instanceof byte[] : value instanceof String)) {
            throw new IllegalStateException("cached function '" + def.name() + "' returned "
                    + value.getClass().getName() + "; it must return " + (def.returnsBytes() ? "byte[]" : "String"));
        }
        long revalidate = scope.revalidateSeconds();
        List<String> tags = scope.tags();
        if (inForeground) {
            note(requestScope, parent, revalidate, tags);
        }
        if (!store) {
            return value;
        }
        var options = new CacheHandler.SetOptions(revalidate, scope.expireSeconds(), tags);
        var stored = encode(value);
        String where = CacheKeys.storageKey(key);
        BackgroundWork background = requestScope.background();
        if (turn != null) {
            long now = clock.millis();
            turn.share(new Computed(value, revalidate, List.copyOf(tags)),
                    Math.min(options.revalidateAt(now), now + RequestCollapser.SHARED_AT_MOST_MILLIS));
        }
        Runnable write = () -> {
            boolean written = false;
            try {
                written = BackgroundWrites.awaitDurably(() -> handler.set(key, stored, options, background), background,
                        log, "cache write failed for " + where);
            } finally {
                if (turn != null && written) {
                    turn.stored(); // from now on callers read the store
                } else if (turn != null) {
                    turn.drop(); // not stored: the next caller computes again
                }
            }
        };
        if (inForeground) {
            BackgroundWrites.submit(background, write, log, "data cache write for " + where);
        } else {
            write.run(); // already a background task: the key stays "recomputing" until the write has landed
        }
        return value;
    }

    /**
     * The longest revalidate an entry of {@code def} can be written with now: its own, or any profile's (a
     * computation may pick its lifetime with {@code scope.cacheLife}). What a stored entry claims beyond it
     * counts as this much ({@link StoredEntries#bounded}), and so does a longer {@code scope.revalidate}.
     */
    long longestRevalidate(CachedFunction<?> def) {
        long longest = def.revalidateSeconds();
        for (CacheProfile p : profiles.values()) {
            longest = Math.max(longest, p.revalidateSeconds());
        }
        return longest;
    }

    /** The longest expire an entry of {@code def} can be written with now (see {@link #longestRevalidate}). */
    long longestExpire(CachedFunction<?> def) {
        long longest = Math.max(defaultExpireSeconds, longestRevalidate(def) + 1);
        for (CacheProfile p : profiles.values()) {
            longest = Math.max(longest, p.expireSeconds());
        }
        return longest;
    }

    private <T> void startRecompute(CachedFunction<T> def, String key, List<String> args, Env env, RequestScope scope) {
        recomputations.start(key, scope.background(), () -> {
            try {
                compute(def, key, args, env, scope.fresh(), null, false, true);
            } catch (Exception e) {
                log.error("recomputing " + CacheKeys.storageKey(key) + " failed; the stale value stays servable", e);
            }
        });
    }

    /** True while a background recomputation of this key runs in this isolate. */
    public boolean isRecomputing(String key) {
        return recomputations.isRunning(key);
    }

    private static void note(RequestScope requestScope, CacheScope parent, long revalidate, List<String> tags) {
        if (parent instanceof Scope s) {
            s.noteNested(revalidate, tags);
        } else if (requestScope != null) {
            requestScope.noteData(revalidate, tags);
        }
    }

    private static CacheValue encode(Object value) {
        if (value == null) {
            return new CacheValue(200, Headers.of(KIND_HEADER, "null"), Body.EMPTY);
        }
        if (value instanceof byte[] b) {
            return new CacheValue(200, Headers.of(KIND_HEADER, "bytes"), Body.of(b));
        }
        return new CacheValue(200, Headers.of(KIND_HEADER, "text"), Body.of(((String) value)));
    }

    private static Object decode(CacheValue value, boolean bytes) {
        String kind = value.headers().get(KIND_HEADER);
        if ("null".equals(kind)) {
            return null;
        }
        if (bytes && "bytes".equals(kind)) {
            return value.body().bytes();
        }
        if (!bytes && "text".equals(kind)) {
            return Utf8.decode(value.body().bytes());
        }
        throw new IllegalArgumentException("stored kind " + kind + " does not match the function's value type");
    }

    CacheProfile profile(String name) {
        CacheProfile p = profiles.get(name);
        if (p == null) {
            throw RouteSpec.unknownProfile(name, profiles);
        }
        return p;
    }

    /** One computation's view of its entry. */
    private static final class Scope implements ComputationContext {
        private final DataCache cache;
        private final List<String> args;
        private final Env env;
        private final RequestScope requestScope;
        private final Set<String> tags = new LinkedHashSet<>();
        private long revalidate;
        private long expire;
        private long nestedBound = Long.MAX_VALUE;
        private final long longestRevalidate;

        Scope(DataCache cache, CachedFunction<?> def, List<String> args, Env env, RequestScope requestScope) {
            this.cache = cache;
            this.args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
            this.env = env;
            this.requestScope = requestScope;
            this.longestRevalidate = cache.longestRevalidate(def);
            if (def.cacheLifeName() != null) {
                var p = cache.profile(def.cacheLifeName());
                revalidate = p.revalidateSeconds();
                expire = p.expireSeconds();
            } else if (def.revalidateSeconds() > 0) {
                revalidate = def.revalidateSeconds();
            } else {
                var p = cache.profile("default");
                revalidate = p.revalidateSeconds();
                expire = p.expireSeconds();
            }
            for (String t : def.tagTemplates()) {
                String resolved = t;
                for (int i = 0; i < args.size(); i++) {
                    resolved = resolved.replace("{" + i + "}", String.valueOf(args.get(i)));
                }
                if (Tags.isValid(resolved)) {
                    tags.add(resolved);
                }
            }
        }

        @Override
        public <T> T cached(CachedFunction<T> function, List<String> args) throws Exception {
            return cache.get(function, null, this, args);
        }

        RequestScope requestScope() {
            return requestScope;
        }

        @Override
        public void cacheLife(String profile) {
            var p = cache.profile(profile);
            revalidate = p.revalidateSeconds();
            expire = p.expireSeconds();
        }

        @Override
        public void revalidate(long seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("revalidate must be at least 1 second, got " + seconds);
            }
            revalidate = seconds;
        }

        @Override
        public void cacheTag(String... more) {
            for (String t : more) {
                Tags.validate(t);
                tags.add(t);
            }
        }

        @Override
        public List<String> args() {
            return args;
        }

        @Override
        public Env env() {
            return env;
        }

        void noteNested(long nestedRevalidate, List<String> nestedTags) {
            nestedBound = Math.min(nestedBound, nestedRevalidate);
            tags.addAll(nestedTags);
        }

        long revalidateSeconds() {
            return Math.min(Math.min(revalidate, nestedBound), longestRevalidate);
        }

        long expireSeconds() {
            long e = expire > 0 ? expire : cache.defaultExpireSeconds;
            return Math.max(e, revalidateSeconds() + 1);
        }

        List<String> tags() {
            return new ArrayList<>(tags);
        }
    }
}
