package dev.isr4j.api;

import java.util.List;

/**
 * How an isolate reaches the coordinator's shards (in workerd: {@code fetch} on the Durable Object stub of
 * {@code ISR_COORDINATOR.idFromName("shard-<n>")}). The runtime sends all calls at once and waits for all of
 * them, at most for its deadline.
 */
@FunctionalInterface
public interface CoordinatorTransport {
    /** One request body for one shard. */
    record Call(int shard, String body) {
    }

    /**
     * The answers, in the order of {@code calls}. Throws (suspends first, in workerd) when any call failed or the
     * deadline passed; the caller then decides as if the coordinator were not there.
     */
    List<String> exchange(List<Call> calls);
}
