package dev.isr4j.route;

import dev.isr4j.CachedFunction;
import dev.isr4j.Request;
import dev.isr4j.Revalidator;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.spi.RequestContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the runtime attaches to one request: background work, revalidation, the data cache, and what the
 * cached data used while handling it implies for the response's own entry (smallest revalidate, tags).
 */
public final class RequestScope implements RequestContext {
    /** Where a handler's cached function calls go: the runtime's data cache. */
    public interface DataCalls {
        <T> T get(CachedFunction<T> function, Request request, List<String> args) throws Exception;
    }

    /**
     * A request's scope outside a running app (a handler called directly, as in a unit test): no background work
     * (see {@link #background}), no revalidation, no data cache.
     */
    public static final RequestScope NONE = new RequestScope(null, Revalidator.NONE, null);

    private final BackgroundWork background;
    private final Revalidator revalidator;
    private final DataCalls dataCache;
    private long dataRevalidateBound = Long.MAX_VALUE;
    private final Set<String> dataTags = new LinkedHashSet<>();
    private long resultRevalidate;
    private EarlyRead.Found earlyRead;

    public RequestScope(BackgroundWork background, Revalidator revalidator, DataCalls dataCache) {
        this.background = background;
        this.revalidator = revalidator;
        this.dataCache = dataCache;
    }

    /**
     * Where this request's background work goes; null outside a running app ({@link #NONE}). Never a
     * {@code BackgroundWork} that runs its task in the caller: under TeaVM that would make every {@code submit}
     * call a possible suspension, and a STALE answer starts its regeneration where nothing may suspend.
     */
    @Override
    public BackgroundWork background() {
        return background;
    }

    @Override
    public Revalidator revalidator() {
        return revalidator;
    }

    @Override
    public <T> T cached(CachedFunction<T> function, Request request, List<String> args) throws Exception {
        if (dataCache == null) {
            throw new IllegalStateException("the data cache is not available outside a running app");
        }
        return dataCache.get(function, request, args);
    }

    /** The scope the runtime bound to {@code request}, or {@link #NONE} when it bound none. */
    public static RequestScope of(Request request) {
        return request.context() instanceof RequestScope scope ? scope : NONE;
    }

    /** Records cached data used: the enclosing entry revalidates no later than it and carries its tags. */
    public synchronized void noteData(long revalidateSeconds, Iterable<String> tags) {
        dataRevalidateBound = Math.min(dataRevalidateBound, revalidateSeconds);
        for (String t : tags) {
            dataTags.add(t);
        }
    }

    /** The runtime's early cache read for this request (used for its first lookup of that key). */
    public RequestScope earlyRead(EarlyRead.Found found) {
        this.earlyRead = found;
        return this;
    }

    public EarlyRead.Found earlyRead() {
        return earlyRead;
    }

    /** A page's props result: its own revalidate (0 = the page's) and extra tags. */
    public synchronized void noteResult(long revalidateSeconds, Iterable<String> tags) {
        if (revalidateSeconds > 0) {
            resultRevalidate = revalidateSeconds;
        }
        for (String t : tags) {
            dataTags.add(t);
        }
    }

    /** The revalidate a page's props result asked for, or 0. */
    public synchronized long resultRevalidate() {
        return resultRevalidate;
    }

    /** The smallest revalidate of cached data used, or {@code Long.MAX_VALUE}. */
    public synchronized long dataRevalidateBound() {
        return dataRevalidateBound;
    }

    public synchronized Set<String> dataTags() {
        return new LinkedHashSet<>(dataTags);
    }

    /** The same services for another request (a regeneration), with fresh data bounds. */
    public RequestScope fresh() {
        return new RequestScope(background, revalidator, dataCache);
    }
}
