package dev.isr4j.wasm.host;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import dev.isr4j.wasm.adapters.JsCompletion;
import dev.isr4j.wasm.js.JSExecutionContext;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.core.JSString;
import org.teavm.jso.function.JSConsumer;

/**
 * Background work for one request: each task runs as its own green thread whose promise is registered
 * with {@code ctx.waitUntil}, and settles only after everything the task awaits (a KV put) has settled.
 */
final class WaitUntilBackground implements BackgroundWork {
    private final JSExecutionContext ctx;
    private final Log log;
    private final int deadlineMillis;

    /** @param deadlineMillis how long a task or write may keep the request's waitUntil open (see Deadlines) */
    WaitUntilBackground(JSExecutionContext ctx, Log log, long deadlineMillis) {
        this.ctx = ctx;
        this.log = log;
        this.deadlineMillis = (int) deadlineMillis;
    }

    @Override
    public void submit(Runnable task) {
        ctx.waitUntil(withDeadline(new JSPromise<JSObject>((resolve, reject) -> new TaskThread(task, log, resolve).start()),
                deadlineMillis, TASK));
    }

    /** One background task; its promise fulfils when the task ends, whether it succeeded, threw or trapped. */
    private static final class TaskThread extends Traps.GuardedThread {
        private final Runnable task;
        private final Log log;
        private final JSConsumer<JSObject> done;

        TaskThread(Runnable task, Log log, JSConsumer<JSObject> done) {
            this.task = task;
            this.log = log;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                task.run();
            } catch (Throwable e) {
                log.error("background task failed", e);
            }
            done.accept(null);
        }

        @Override
        void trapped(Throwable error) {
            log.error("background task failed", error);
            done.accept(null);
        }
    }

    @Override
    public void keepAlive(Completion write) {
        if (write instanceof JsCompletion js) {
            // The write itself: waitUntil holds the invocation until it is durable. Every write kept alive is also
            // awaited by a submitted task, whose deadline says so when it is late.
            ctx.waitUntil(js.promise);
        }
    }

    // Past the deadline the promise waitUntil holds settles and says so; the work itself cannot be stopped,
    // and workerd cancels what is left of it when the invocation ends.
    @JSBody(params = {"work", "ms", "what"}, script = "return isr4jJs.backgroundDeadline(work, ms, what);")
    private static native JSPromise<JSObject> withDeadline(JSPromise<?> work, int ms, JSObject what);

    // Made once: a Java string crosses one character per call.
    private static final JSObject TASK = JSString.valueOf("a background task (regeneration or cache write)");
}
