package dev.isr4j.coord;

import dev.isr4j.api.Clock;
import dev.isr4j.api.CoordinatorTransport;
import dev.isr4j.api.Log;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.routing.Dispatcher;

/**
 * Puts an isolate's runtime under a coordinator ({@code ISR_COORDINATOR}): stale keys regenerate under its
 * leases, and, unless {@link CoordinatorOptions#tagsInCoordinator()} is off, tag records live in it instead of KV.
 */
public final class Coordination {
    /** The Durable Object namespace binding. */
    public static final String BINDING = "ISR_COORDINATOR";

    private Coordination() {
    }

    public static CoordinatorClient install(Dispatcher dispatcher, CoordinatorTransport transport,
                                            CoordinatorOptions options, Clock clock, Log log) {
        var client = new CoordinatorClient(transport, options);
        dispatcher.cache().useLeases(new RegenerationLeases(client, clock, log));
        if (options.tagsInCoordinator()) {
            if (dispatcher.cacheHandler() instanceof KvCacheHandler kv) {
                kv.useTagStore(new CoordinatorTagStore(client), options.tagCacheMillis());
            } else {
                log.warn(BINDING + " is bound but the cache is not KV; tag records stay with the cache handler");
            }
        }
        return client;
    }
}
