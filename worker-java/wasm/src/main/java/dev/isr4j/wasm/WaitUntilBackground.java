package dev.isr4j.wasm;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import dev.isr4j.wasm.js.JSExecutionContext;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.function.JSConsumer;

/**
 * Background work for one request: each task runs as its own green thread whose promise is registered
 * with {@code ctx.waitUntil}, and settles only after everything the task awaits (a KV put) has settled.
 */
final class WaitUntilBackground implements BackgroundWork {
    private final JSExecutionContext ctx;
    private final Log log;

    WaitUntilBackground(JSExecutionContext ctx, Log log) {
        this.ctx = ctx;
        this.log = log;
    }

    @Override
    public void submit(Runnable task) {
        ctx.waitUntil(new JSPromise<JSObject>((resolve, reject) -> new TaskThread(task, log, resolve).start()));
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
            ctx.waitUntil(js.promise);
        }
    }
}
