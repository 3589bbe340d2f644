package dev.isr4j.wasm;

import dev.isr4j.Request;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.wasm.js.JSRequest;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/**
 * Carries what {@code prefetch} worked out for a request (its Java form and the read it started) to that
 * request's {@code fetch}, so a request is converted and routed once. The shim hands back the slot number
 * the read's promise carries; a slot that was reused in between (more requests in flight than slots) or that
 * belongs to another request is ignored, and {@code fetch} works it out again.
 */
final class EarlyReads {
    record Started(JSRequest jsRequest, Request request, EarlyRead early) {
    }

    /** Tag records answerNow asked the shim to wait for, for a request in a slot (see {@link #waitForTags}). */
    private record TagWait(JSRequest jsRequest, CacheHandler.TagReads reads) {
    }

    private static final int SLOTS = 256;
    private static final Started[] STARTED = new Started[SLOTS];
    private static final TagWait[] TAG_WAITS = new TagWait[SLOTS];
    private static int next;

    private EarlyReads() {
    }

    /** Remembers a started read and returns its promise, which now carries the slot for the shim. */
    static JSObject remember(JSObject read, JSRequest jsRequest, Request request, EarlyRead early) {
        int slot = next;
        next = (next + 1) % SLOTS;
        STARTED[slot] = new Started(jsRequest, request, early);
        return withSlot(read, slot);
    }

    /** What prefetch remembered for this request, or null; the slot stays taken (see {@link #take}). */
    static Started peek(int slot, JSRequest jsRequest) {
        if (slot < 0 || slot >= SLOTS) {
            return null;
        }
        Started started = STARTED[slot];
        return started == null || !same(started.jsRequest(), jsRequest) ? null : started;
    }

    /** What prefetch remembered for this request, or null; a slot that holds it is freed. */
    static Started take(int slot, JSRequest jsRequest) {
        Started started = peek(slot, jsRequest);
        if (started != null) {
            STARTED[slot] = null;
            TAG_WAITS[slot] = null;
        }
        return started;
    }

    /** Notes that the request in {@code slot} waits for the reads of {@code reads} before answerNow tries again. */
    static void waitForTags(int slot, JSRequest jsRequest, CacheHandler.TagReads reads) {
        if (slot >= 0 && slot < SLOTS) {
            TAG_WAITS[slot] = new TagWait(jsRequest, reads);
        }
    }

    /** The tag reads this request waited for (once), or null. */
    static CacheHandler.TagReads waitedForTags(int slot, JSRequest jsRequest) {
        if (slot < 0 || slot >= SLOTS) {
            return null;
        }
        TagWait wait = TAG_WAITS[slot];
        if (wait == null || !same(wait.jsRequest(), jsRequest)) {
            return null;
        }
        TAG_WAITS[slot] = null;
        return wait.reads();
    }

    @JSBody(params = {"read", "slot"}, script = "read.isr4jSlot = slot; return read;")
    private static native JSObject withSlot(JSObject read, int slot);

    @JSBody(params = {"a", "b"}, script = "return a === b;")
    private static native boolean same(JSObject a, JSObject b);
}
