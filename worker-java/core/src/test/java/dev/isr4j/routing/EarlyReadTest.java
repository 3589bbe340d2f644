package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvStore;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The read a host starts before handing over a request is decided by the rules handle() uses, and stands in for it. */
class EarlyReadTest {
    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.route("/api/data").revalidate(60).get(req -> Response.text("render " + renders.incrementAndGet()));
        app.route("/api/plain").get(req -> Response.text("plain"));
        return app;
    }

    private static Request get(String path) {
        return Request.builder("GET", IsrHarness.ORIGIN + path).build();
    }

    @Test
    void aCachedRouteNamesTheKvEntryThatHandleReadsAndOthersNameNothing() {
        var h = new KvHarness(app());
        EarlyRead early = h.dispatcher.earlyRead(get("/api//data/"));
        assertNotNull(early);
        assertEquals(h.kv.entryKey(early.cacheKey()), early.storeKey());
        assertEquals(h.dispatcher.cache().keyFor("/api/data"), early.cacheKey(), "the canonical path's key");
        assertNull(h.dispatcher.earlyRead(get("/api/plain")), "not cached: nothing to read early");
        assertNull(h.dispatcher.earlyRead(Request.builder("POST", IsrHarness.ORIGIN + "/api/data").build()));
        assertNull(new IsrHarness(app()).dispatcher.earlyRead(get("/api/data")), "the in-memory cache has no early read");
    }

    @Test
    void whatTheEarlyReadFoundIsWhatAHitServesWithoutReadingTheStoreAgain() {
        var h = new KvHarness(app());
        h.get("/api/data");
        h.background.drain();
        EarlyRead early = h.dispatcher.earlyRead(get("/api/data"));
        KvStore.Stored stored = h.memory.getWithMetadata(early.storeKey());
        h.memory.delete(early.storeKey()).await(); // the store no longer has it: only the early read does
        Response hit = h.dispatcher.handle(get("/api/data"), h.background, new EarlyRead.Found(early, stored, false));
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("render 1", hit.text());
        Response absent = h.dispatcher.handle(get("/api/data"), h.background, new EarlyRead.Found(early, null, false));
        assertEquals("MISS", absent.header("x-isr-cache"), "an early read that found nothing is a MISS");
    }

    @Test
    void anEarlyReadMadeBeforeTheLastRendersWriteLandedReadsAgainInsteadOfRenderingTwice() {
        var h = new KvHarness(app());
        EarlyRead early = h.dispatcher.earlyRead(get("/api/data"));
        var beforeTheWrite = new EarlyRead.Found(early, null, false); // read while the store had nothing yet
        assertEquals("MISS", h.get("/api/data").header("x-isr-cache"));
        h.background.drain(); // the MISS's write lands
        Response late = h.dispatcher.handle(get("/api/data"), h.background, beforeTheWrite);
        assertEquals("HIT", late.header("x-isr-cache"), "the store, read again, has the render");
        assertEquals("render 1", late.text());
        assertEquals(1, renders.get());
    }
}
