package dev.isr4j.spi;

import dev.isr4j.CachedFunction;
import dev.isr4j.Request;
import dev.isr4j.Revalidator;
import dev.isr4j.api.BackgroundWork;
import java.util.List;

/**
 * What the API reaches of the runtime serving a request: its background work, its revalidator and the data cache
 * behind {@link CachedFunction}. The runtime implements it and binds one to every request it dispatches ({@link
 * Request#withContext}); a request built by hand (a handler called directly, as in a unit test) has {@link #NONE}.
 */
public interface RequestContext {
    /** Outside a running app: no background work, no revalidation, no data cache. */
    RequestContext NONE = new RequestContext() {
        @Override
        public BackgroundWork background() {
            return null;
        }

        @Override
        public Revalidator revalidator() {
            return Revalidator.NONE;
        }

        @Override
        public <T> T cached(CachedFunction<T> function, Request request, List<String> args) {
            throw new IllegalStateException("the data cache is not available outside a running app");
        }
    };

    /**
     * Where this request's work after the response goes; null when there is no "after" (the API then runs the work
     * at once). Never a {@code BackgroundWork} that runs its task in the caller: under TeaVM that would make every
     * {@code submit} a possible suspension, and a STALE answer starts its regeneration where nothing may suspend.
     */
    BackgroundWork background();

    Revalidator revalidator();

    /** {@code function}'s cached result for {@code args}, computed when absent, for a handler of {@code request}. */
    <T> T cached(CachedFunction<T> function, Request request, List<String> args) throws Exception;
}
