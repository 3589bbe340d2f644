package dev.isr4j.coord;

import dev.isr4j.Env;

/**
 * How an isolate uses the coordinator.
 *
 * @param shards how many objects keys and tags are spread over ({@code shard-0} ... {@code shard-<n-1>})
 * @param leaseMillis how long a regeneration lease lasts if its holder never reports back
 * @param timeoutMillis how long an isolate waits for the coordinator before deciding without it
 * @param tagsInCoordinator whether tag records live in the coordinator (else in KV, as without it)
 * @param tagCacheMillis how long an isolate trusts tag states it read from the coordinator: the bound on how late
 *                       a revalidation made elsewhere reaches this isolate
 */
public record CoordinatorOptions(int shards, long leaseMillis, long timeoutMillis, boolean tagsInCoordinator,
                                 long tagCacheMillis) {
    public static final String SHARDS_VAR = "ISR_COORDINATOR_SHARDS";
    public static final String LEASE_VAR = "ISR_COORDINATOR_LEASE_MS";
    public static final String TIMEOUT_VAR = "ISR_COORDINATOR_TIMEOUT_MS";
    public static final String TAG_STORE_VAR = "ISR_TAG_STORE";
    public static final String TAG_CACHE_VAR = "ISR_COORDINATOR_TAG_CACHE_MS";

    public static final int DEFAULT_SHARDS = 4;
    public static final int MAX_SHARDS = 256;
    public static final long DEFAULT_LEASE_MILLIS = 15_000;
    public static final long DEFAULT_TIMEOUT_MILLIS = 250;
    public static final long MAX_TIMEOUT_MILLIS = 5_000;
    /** The same window as the KV tag cache: switching to the coordinator shortens the bound, not the cost. */
    public static final long DEFAULT_TAG_CACHE_MILLIS = 5_000;
    public static final long MAX_TAG_CACHE_MILLIS = 60_000;

    public CoordinatorOptions {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException(SHARDS_VAR + " must be from 1 to " + MAX_SHARDS + ", got " + shards);
        }
        if (leaseMillis < CoordinatorObject.MIN_LEASE_MILLIS || leaseMillis > CoordinatorObject.MAX_LEASE_MILLIS) {
            throw new IllegalArgumentException(LEASE_VAR + " must be from " + CoordinatorObject.MIN_LEASE_MILLIS
                    + " to " + CoordinatorObject.MAX_LEASE_MILLIS + " ms (a lease must end before waitUntil's 30 s), got "
                    + leaseMillis);
        }
        if (timeoutMillis < 1 || timeoutMillis > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException(TIMEOUT_VAR + " must be from 1 to " + MAX_TIMEOUT_MILLIS + " ms, got "
                    + timeoutMillis);
        }
        if (tagCacheMillis < 0 || tagCacheMillis > MAX_TAG_CACHE_MILLIS) {
            throw new IllegalArgumentException(TAG_CACHE_VAR + " must be from 0 to " + MAX_TAG_CACHE_MILLIS
                    + " ms, got " + tagCacheMillis);
        }
    }

    public static CoordinatorOptions defaults() {
        return new CoordinatorOptions(DEFAULT_SHARDS, DEFAULT_LEASE_MILLIS, DEFAULT_TIMEOUT_MILLIS, true,
                DEFAULT_TAG_CACHE_MILLIS);
    }

    public CoordinatorOptions withShards(int n) {
        return new CoordinatorOptions(n, leaseMillis, timeoutMillis, tagsInCoordinator, tagCacheMillis);
    }

    public CoordinatorOptions withLeaseMillis(long ms) {
        return new CoordinatorOptions(shards, ms, timeoutMillis, tagsInCoordinator, tagCacheMillis);
    }

    public CoordinatorOptions withTimeoutMillis(long ms) {
        return new CoordinatorOptions(shards, leaseMillis, ms, tagsInCoordinator, tagCacheMillis);
    }

    public CoordinatorOptions withTagsInCoordinator(boolean on) {
        return new CoordinatorOptions(shards, leaseMillis, timeoutMillis, on, tagCacheMillis);
    }

    public CoordinatorOptions withTagCacheMillis(long ms) {
        return new CoordinatorOptions(shards, leaseMillis, timeoutMillis, tagsInCoordinator, ms);
    }

    /** The options a deployment's vars set (each unset var keeps its default); a bad value says which var. */
    public static CoordinatorOptions fromEnv(Env env) {
        var o = defaults();
        String tagStore = env.var(TAG_STORE_VAR);
        boolean inCoordinator;
        if (tagStore == null || tagStore.isEmpty() || tagStore.equals("coordinator")) {
            inCoordinator = true;
        } else if (tagStore.equals("kv")) {
            inCoordinator = false;
        } else {
            throw new IllegalArgumentException(TAG_STORE_VAR + " must be \"coordinator\" or \"kv\", got \"" + tagStore
                    + "\"; fix the vars entry in wrangler.jsonc");
        }
        return new CoordinatorOptions((int) number(env, SHARDS_VAR, o.shards()), number(env, LEASE_VAR, o.leaseMillis()),
                number(env, TIMEOUT_VAR, o.timeoutMillis()), inCoordinator, number(env, TAG_CACHE_VAR, o.tagCacheMillis()));
    }

    private static long number(Env env, String name, long fallback) {
        String text = env.var(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + text
                    + "\"; fix the vars entry in wrangler.jsonc");
        }
    }
}
