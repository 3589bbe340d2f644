/**
 * isr4j's core. Users see the API ({@code dev.isr4j}), what the runtime implements for it ({@code dev.isr4j.spi}),
 * the extension points ({@code dev.isr4j.api}), the doors for hosts and builds ({@code dev.isr4j.runtime}) and
 * the cache handlers they configure ({@code dev.isr4j.cache}); the Wasm entry point and the test kit also reach
 * the coordinator, JSON and header helpers they adapt. Routing, the ISR state machine, pages, the data cache and
 * the stored format stay inside.
 *
 * <p>The walls hold where this is a module (on a module path). TeaVM and class-path builds do not read module
 * descriptors; there the internal packages are internal by name and by these exports, not by force.
 */
@SuppressWarnings("module") // the qualified exports' modules are built after this one, so javac cannot see them
module dev.isr4j {
    exports dev.isr4j;
    exports dev.isr4j.spi;
    exports dev.isr4j.api;
    exports dev.isr4j.bind;
    exports dev.isr4j.runtime;
    exports dev.isr4j.cache;
    exports dev.isr4j.build;

    requires java.sql; // dev.isr4j.build's SQLite for prerendering and the test kit; never reached from Wasm

    exports dev.isr4j.coord to dev.isr4j.wasm, dev.isr4j.testkit;
    exports dev.isr4j.json to dev.isr4j.wasm;
    exports dev.isr4j.text to dev.isr4j.wasm;

    uses dev.isr4j.AppProvider;
    uses dev.isr4j.bind.JsonAdapter;
}
