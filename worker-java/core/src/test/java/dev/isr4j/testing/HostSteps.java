package dev.isr4j.testing;

import dev.isr4j.Response;
import dev.isr4j.api.KvStore;
import dev.isr4j.runtime.Exchange;
import dev.isr4j.runtime.Exchange.Step;
import java.util.List;

/** A host's loop over an exchange's steps (see {@link Exchange}), its reads made at once against a store. */
public final class HostSteps {
    private HostSteps() {
    }

    /** Takes the exchange's steps to its answer (running it when it must run); records each step in {@code steps}. */
    public static Response take(Exchange exchange, KvStore store, List<Step> steps) {
        for (;;) {
            Step step = exchange.step();
            steps.add(step);
            switch (step) {
                case ANSWER:
                    return exchange.answer();
                case READ_ENTRY:
                    exchange.entryRead(store.getWithMetadata(exchange.entryToRead().storeKey()), false);
                    break;
                case READ_TAGS:
                    exchange.tagsRead(store.getTexts(exchange.tagsToRead().storeKeys()));
                    break;
                case RUN:
                    return exchange.run();
                default:
                    throw new AssertionError(step);
            }
        }
    }
}
