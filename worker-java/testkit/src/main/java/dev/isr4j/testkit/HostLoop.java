package dev.isr4j.testkit;

import dev.isr4j.Response;
import dev.isr4j.api.KvStore;
import dev.isr4j.runtime.Exchange;
import java.util.List;

/**
 * The test kit's host: the loop the worker shim runs over the runtime's steps ({@link Exchange}), with the reads
 * it is told to make done at once against the isolate's own store (there is no location's cache here).
 */
final class HostLoop {
    private HostLoop() {
    }

    /** The answer to the exchange's request; {@code store} is the cache's KV namespace, or null when unbound. */
    static Response answer(Exchange exchange, KvStore store) {
        for (;;) {
            switch (exchange.step()) {
                case ANSWER:
                    return exchange.answer();
                case READ_ENTRY:
                    KvStore.Stored stored;
                    try {
                        stored = store == null ? null : store.getWithMetadata(exchange.entryToRead().storeKey());
                    } catch (RuntimeException e) {
                        exchange.entryReadFailed(); // as in workerd: running reads it again, and reports it
                        break;
                    }
                    if (store == null) {
                        exchange.entryReadFailed(); // nothing to read it from: the cache handler decides
                    } else {
                        exchange.entryRead(stored, false);
                    }
                    break;
                case READ_TAGS:
                    List<KvStore.TextRead> texts;
                    try {
                        texts = store.getTexts(exchange.tagsToRead().storeKeys());
                    } catch (RuntimeException e) {
                        texts = null; // as in workerd: running decides what the records would have
                    }
                    exchange.tagsRead(texts);
                    break;
                default:
                    return exchange.run();
            }
        }
    }
}
