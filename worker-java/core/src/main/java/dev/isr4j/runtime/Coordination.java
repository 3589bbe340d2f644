package dev.isr4j.runtime;

import dev.isr4j.api.Clock;
import dev.isr4j.api.CoordinatorTransport;
import dev.isr4j.api.Log;
import dev.isr4j.coord.CoordinatorClient;
import dev.isr4j.coord.CoordinatorOptions;
import dev.isr4j.coord.CoordinatorTagStore;
import dev.isr4j.coord.RegenerationLeases;
import dev.isr4j.routing.Dispatcher;
import java.util.function.LongConsumer;

/**
 * Puts an isolate's runtime under a coordinator ({@code ISR_COORDINATOR}): stale keys regenerate under its
 * leases, and, unless {@link CoordinatorOptions#tagsInCoordinator()} is off, tag records are read from it, with a
 * copy of each in KV that isolates read while it does not answer.
 */
public final class Coordination {
    /** The Durable Object namespace binding. */
    public static final String BINDING = "ISR_COORDINATOR";

    private Coordination() {
    }

    public static CoordinatorClient install(Dispatcher dispatcher, CoordinatorTransport transport,
                                            CoordinatorOptions options, Clock clock, Log log) {
        return install(dispatcher, transport, options, clock, log, null);
    }

    /** As above; {@code sleep} (null: the thread's) spaces an isolate's writes of a tag's KV copy. */
    public static CoordinatorClient install(Dispatcher dispatcher, CoordinatorTransport transport,
                                            CoordinatorOptions options, Clock clock, Log log, LongConsumer sleep) {
        var client = new CoordinatorClient(transport, options);
        dispatcher.cache().useLeases(new RegenerationLeases(client, clock, log));
        if (options.tagsInCoordinator() && !dispatcher.cacheHandler()
                .useTagStore(new CoordinatorTagStore(client), options.tagCacheMillis(), sleep)) {
            log.warn(BINDING + " is bound but the cache is not KV; tag records stay with the cache handler");
        }
        return client;
    }
}
