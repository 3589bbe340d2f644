package dev.isr4j.spi;

import dev.isr4j.CacheScope;
import dev.isr4j.CachedFunction;
import java.util.List;

/**
 * The runtime's {@link CacheScope}: what a cached computation sees of its own entry, and where a cached function
 * it calls goes (that entry is then bounded by the nested one).
 */
public interface ComputationContext extends CacheScope {
    /** {@code function}'s cached result for {@code args}, called from inside this computation. */
    <T> T cached(CachedFunction<T> function, List<String> args) throws Exception;
}
