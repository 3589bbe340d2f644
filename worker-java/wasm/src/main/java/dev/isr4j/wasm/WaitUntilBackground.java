package dev.isr4j.wasm;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import dev.isr4j.wasm.js.JSExecutionContext;
import org.teavm.jso.core.JSPromise;

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
        ctx.waitUntil(JSPromise.runAsync(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                log.error("background task failed", e);
            }
        }));
    }

    @Override
    public void keepAlive(Completion write) {
        if (write instanceof JsCompletion js) {
            ctx.waitUntil(js.promise);
        }
    }
}
