package dev.isr4j.wasm.adapters;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.core.JSPromise;

/**
 * Awaiting JS promises from Java. TeaVM 0.15's {@code JSPromise.await()} never resumes when a promise rejects
 * with a JS {@code Error} (which is how KV and fetch report failures), so every await goes through a promise
 * that always fulfils with the outcome, and a rejection becomes a Java exception carrying the JS message.
 */
public final class JsPromises {
    /** Where a trap in an awaiting thread's callbacks goes: the host's, which knows the thread (see its Traps). */
    private static TrapReporter trapReporter;

    private JsPromises() {
    }

    /** Receives the JS error of a trap that ended a green thread where Java could not catch it. */
    @JSFunctor
    public interface TrapReporter extends JSObject {
        void report(JSObject error);
    }

    /** Set once by the host, before any thread awaits anything. */
    public static void reportTrapsTo(TrapReporter reporter) {
        trapReporter = reporter;
    }

    /** Awaits {@code promise}; throws {@link JsFailure} when it rejects. */
    @SuppressWarnings("unchecked")
    static <T extends JSObject> T await(JSPromise<?> promise) {
        Outcome outcome = settle(promise, trapReporter).await();
        if (!outcome.isOk()) {
            throw new JsFailure(outcome.getError());
        }
        return (T) outcome.getValue();
    }

    /** A JS promise rejection, as a Java exception. */
    static final class JsFailure extends RuntimeException {
        JsFailure(String message) {
            super(message);
        }
    }

    interface Outcome extends JSObject {
        @JSProperty("ok")
        boolean isOk();

        @JSProperty
        JSObject getValue();

        @JSProperty
        String getError();
    }

    // The thenable's callbacks resume the awaiting green thread: a trap there surfaces here, and goes to the host.
    @JSBody(params = {"p", "trapped"}, script = "return isr4jJs.settle(p, trapped);")
    private static native JSPromise<Outcome> settle(JSPromise<?> p, TrapReporter trapped);
}
