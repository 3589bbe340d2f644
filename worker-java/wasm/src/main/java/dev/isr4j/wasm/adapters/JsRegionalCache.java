package dev.isr4j.wasm.adapters;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.RegionalCache;
import dev.isr4j.wasm.js.JSCache;
import dev.isr4j.wasm.js.JSKvNamespace;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * {@link RegionalCache} over the Cache API. A copy is a Response whose body is the KV value and whose
 * {@code x-isr4j-entry} header is the KV metadata (URI-encoded: header values are Latin-1), kept for
 * {@code max-age}. A read comes back in the shape of a KV read result, so it is decoded like one; its body
 * stays a JS buffer.
 */
final class JsRegionalCache implements RegionalCache {
    private final JSCache cache;
    private final int readTimeoutMillis;

    /** @param readTimeoutMillis past it a lookup counts as absent and KV answers (the KV read deadline) */
    JsRegionalCache(JSCache cache, long readTimeoutMillis) {
        this.cache = cache;
        this.readTimeoutMillis = (int) readTimeoutMillis;
    }

    @Override
    public KvStore.Stored match(String key) {
        return JsKvStore.stored(JsPromises.await(read(cache, key, readTimeoutMillis)));
    }

    /** Starts reading a copy: a promise of {@code {value, metadata}} or null (absent or unreadable). */
    JSPromise<JSKvNamespace.WithMetadata> start(String key) {
        return read(cache, key, readTimeoutMillis);
    }

    @Override
    public Completion put(String key, Body value, String metadataJson, long ttlSeconds) {
        return new JsCompletion(store(cache, key, value.length() == 0 ? null : JsBody.holderOf(value), metadataJson,
                (double) ttlSeconds));
    }

    @Override
    public Completion delete(String key) {
        return new JsCompletion(cache.delete(key));
    }

    // A copy whose header is missing or garbled, or that takes longer than the deadline, is absent: KV answers.
    @JSBody(params = {"cache", "key", "ms"}, script = "return isr4jJs.regionalRead(cache, key, ms);")
    private static native JSPromise<JSKvNamespace.WithMetadata> read(JSCache cache, String key, int ms);

    @JSBody(params = {"cache", "key", "holder", "metadata", "ttl"}, script = "return isr4jJs.regionalStore(cache, key, holder, metadata, ttl);")
    private static native JSPromise<JSObject> store(JSCache cache, String key, JSObject holder, String metadata,
                                                  double ttl);
}
