package dev.isr4j.wasm.host;

import dev.isr4j.runtime.Exchange;
import dev.isr4j.wasm.js.JSRequest;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/**
 * The exchanges the shim is stepping through, by the handle it hands back with each read's result (a number, so
 * no Java object crosses to JS). A handle whose slot was reused in between (more requests in flight than slots)
 * or that belongs to another request finds nothing, and the request then runs from the start. Slots are made once
 * and reused: stepping allocates nothing here.
 */
final class Exchanges {
    /** One request in flight: its exchange, and the entry read's result, which holds the body until it is sent. */
    private static final class Slot {
        JSRequest request;
        Exchange exchange;
        JSObject read;
    }

    private static final int SLOTS = 256;
    private static final Slot[] TABLE = new Slot[SLOTS];
    private static int next;

    private Exchanges() {
    }

    /** Keeps {@code exchange} for {@code request}; returns its handle. */
    static int keep(JSRequest request, Exchange exchange) {
        int handle = next;
        next = (next + 1) % SLOTS;
        Slot slot = TABLE[handle];
        if (slot == null) {
            TABLE[handle] = slot = new Slot();
        }
        slot.request = request;
        slot.exchange = exchange;
        slot.read = null;
        return handle;
    }

    /** The exchange kept under {@code handle} for this request, or null. */
    static Exchange find(int handle, JSRequest request) {
        Slot slot = slot(handle, request);
        return slot == null ? null : slot.exchange;
    }

    /** The request kept under {@code handle}. */
    static JSRequest requestOf(int handle) {
        return TABLE[handle].request;
    }

    /** Notes the entry read's result, whose body the answer sends (see {@link #drop}). */
    static void holdRead(int handle, JSObject read) {
        TABLE[handle].read = read;
    }

    /** Frees the slot of a request that is answered or runs; returns the entry read's result it held, or null. */
    static JSObject drop(int handle) {
        Slot slot = TABLE[handle];
        JSObject read = slot.read;
        slot.request = null;
        slot.exchange = null;
        slot.read = null;
        return read;
    }

    private static Slot slot(int handle, JSRequest request) {
        if (handle < 0 || handle >= SLOTS) {
            return null;
        }
        Slot slot = TABLE[handle];
        return slot == null || slot.exchange == null || !same(slot.request, request) ? null : slot;
    }

    /** A read's promise, carrying its request's handle for the shim. */
    @JSBody(params = {"read", "handle"}, script = "read.isr4jHandle = handle; return read;")
    static native JSObject withHandle(JSObject read, int handle);

    /** A handle as the shim reads it: run the request on a thread (-1: from the start). */
    @JSBody(params = "handle", script = "return handle;")
    static native JSObject run(int handle);

    @JSBody(params = {"a", "b"}, script = "return a === b;")
    private static native boolean same(JSObject a, JSObject b);
}
