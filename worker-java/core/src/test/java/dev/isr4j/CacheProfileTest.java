package dev.isr4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.routing.Dispatcher;
import dev.isr4j.testing.IsrHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cache profiles: Next.js's built-in numbers, custom profiles, validation, unknown names at start-up. */
class CacheProfileTest {

    private static void assertProfile(Map<String, CacheProfile> profiles, String name, long stale, long revalidate,
                                      long expire) {
        CacheProfile p = profiles.get(name);
        assertEquals(new CacheProfile(name, stale, revalidate, expire), p, name);
        assertEquals(stale, p.staleSeconds(), name + " stale");
        assertEquals(revalidate, p.revalidateSeconds(), name + " revalidate");
        assertEquals(expire, p.expireSeconds(), name + " expire");
    }

    @Test
    void builtInProfilesCarryNextJsNumbersExactly() {
        var p = CacheProfile.builtIns();
        assertProfile(p, "default", 300, 900, 0xFFFFFFFEL);
        assertProfile(p, "seconds", 30, 1, 60);
        assertProfile(p, "minutes", 300, 60, 3600);
        assertProfile(p, "hours", 300, 3600, 86400);
        assertProfile(p, "days", 300, 86400, 604800);
        assertProfile(p, "weeks", 300, 604800, 2592000);
        assertProfile(p, "max", 300, 2592000, 31536000);
        assertEquals(List.of("default", "seconds", "minutes", "hours", "days", "weeks", "max"),
                List.copyOf(p.keySet()));
        assertEquals(4294967294L, CacheProfile.NEVER);
    }

    @Test
    void anAppStartsWithTheBuiltInProfiles() {
        assertEquals(CacheProfile.builtIns(), App.create().cacheProfiles());
    }

    @Test
    void builtInsAreAFreshMapEachTimeSoOneAppCannotChangeAnothers() {
        App a = App.create().cacheProfile("minutes", 1, 2, 3);
        assertEquals(new CacheProfile("minutes", 1, 2, 3), a.cacheProfiles().get("minutes"));
        assertProfile(App.create().cacheProfiles(), "minutes", 300, 60, 3600);
        assertProfile(CacheProfile.builtIns(), "minutes", 300, 60, 3600);
    }

    @Test
    void customProfileIsAddedNextToTheBuiltIns() {
        App app = App.create().cacheProfile("brief", 0, 1, 3600);
        assertProfile(app.cacheProfiles(), "brief", 0, 1, 3600);
        assertEquals(8, app.cacheProfiles().size());
        assertProfile(app.cacheProfiles(), "hours", 300, 3600, 86400);
    }

    @Test
    void cacheProfilesViewIsReadOnly() {
        App app = App.create();
        assertThrows(UnsupportedOperationException.class,
                () -> app.cacheProfiles().put("x", new CacheProfile("x", 0, 1, 2)));
    }

    @Test
    void negativeStaleIsRejectedWithTheValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> App.create().cacheProfile("p", -1, 10, 100));
        assertEquals("cache profile 'p' needs stale >= 0, revalidate >= 1 and expire >= 1 seconds; got -1/10/100",
                e.getMessage());
    }

    @Test
    void revalidateBelowOneSecondIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> App.create().cacheProfile("p", 0, 0, 100));
        assertTrue(e.getMessage().contains("revalidate >= 1"), e.getMessage());
        assertTrue(e.getMessage().contains("0/0/100"), e.getMessage());
    }

    @Test
    void expireBelowOneSecondIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CacheProfile("p", 0, 1, 0));
        assertTrue(e.getMessage().contains("expire >= 1"), e.getMessage());
    }

    @Test
    void expireNotLongerThanRevalidateIsRejected() {
        var equal = assertThrows(IllegalArgumentException.class, () -> App.create().cacheProfile("p", 0, 60, 60));
        assertEquals("cache profile 'p': expire (60 s) must be longer than revalidate (60 s)", equal.getMessage());
        var shorter = assertThrows(IllegalArgumentException.class, () -> new CacheProfile("q", 0, 60, 30));
        assertTrue(shorter.getMessage().contains("expire (30 s) must be longer than revalidate (60 s)"),
                shorter.getMessage());
    }

    @Test
    void aProfileNeedsAName() {
        var empty = assertThrows(IllegalArgumentException.class, () -> App.create().cacheProfile("", 0, 1, 2));
        assertEquals("a cache profile needs a name", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CacheProfile(null, 0, 1, 2));
    }

    @Test
    void aRejectedProfileLeavesTheAppsProfilesUnchanged() {
        App app = App.create();
        assertThrows(IllegalArgumentException.class, () -> app.cacheProfile("minutes", 0, 60, 10));
        assertProfile(app.cacheProfiles(), "minutes", 300, 60, 3600);
    }

    @Test
    void unknownProfileOnACachedFunctionFailsWhenTheDispatcherIsBuiltListingKnownProfiles() {
        App app = App.create().cacheProfile("brief", 0, 1, 10);
        app.cachedText("prices", (scope, args) -> "x").cacheLife("minuts"); // accepted at declaration
        var e = assertThrows(IllegalArgumentException.class, () -> new IsrHarness(app));
        assertTrue(e.getMessage().contains("unknown cache profile 'minuts'"), e.getMessage());
        assertTrue(e.getMessage().contains("default, seconds, minutes, hours, days, weeks, max, brief"),
                e.getMessage());
        assertTrue(e.getMessage().contains("App.cacheProfile"), e.getMessage());
    }

    @Test
    void unknownProfileInARoutesCacheLifeFailsWhenTheDispatcherIsBuiltNamingTheRoute() {
        App app = App.create();
        app.route("/api/news").cacheLife("hourly").get(req -> Response.text("news"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Dispatcher(app, new dev.isr4j.cache.InMemoryCacheHandler(() -> 0L),
                        new dev.isr4j.testing.RecordingLog()));
        assertTrue(e.getMessage().startsWith("Route /api/news: unknown cache profile 'hourly'"), e.getMessage());
        assertTrue(e.getMessage().contains("known profiles: default, seconds, minutes, hours, days, weeks, max"),
                e.getMessage());
    }

    @Test
    void emptyCacheLifeNameIsRejectedAtOnce() {
        App app = App.create();
        var e = assertThrows(IllegalArgumentException.class, () -> app.route("/x").cacheLife(""));
        assertTrue(e.getMessage().contains("cacheLife needs a profile name"), e.getMessage());
    }

    @Test
    void customProfileDeclaredAfterItsUseIsFoundAtStartUp() {
        App app = App.create();
        app.cachedText("late", (scope, args) -> "x").cacheLife("later");
        app.route("/late").cacheLife("later").get(req -> Response.text("late"));
        app.cacheProfile("later", 0, 5, 50);
        new IsrHarness(app); // no exception
    }

    @Test
    void routeCacheLifeSetsRevalidateAndExpireFromTheProfile() {
        App app = App.create();
        app.route("/api/news").cacheLife("minutes").get(req -> Response.text("news"));
        var h = new IsrHarness(app);
        var miss = h.get("/api/news");
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=3540", miss.header("cache-control"));
        h.background.drain();
        var entry = h.cacheHandler.get(h.key("/api/news")).entry();
        assertEquals(IsrHarness.T0 + 60_000, entry.revalidateAt());
        assertEquals(IsrHarness.T0 + 3_600_000, entry.expireAt());
        h.clock.advanceSeconds(60);
        assertEquals("STALE", h.get("/api/news").header("x-isr-cache"));
        h.clock.advanceSeconds(3540);
        assertEquals("MISS", h.get("/api/news").header("x-isr-cache"), "expired after the profile's expire");
    }

    @Test
    void routeCacheLifeWithACustomProfile() {
        App app = App.create().cacheProfile("brief", 0, 2, 20);
        app.route("/b").cacheLife("brief").get(req -> Response.text("b"));
        var h = new IsrHarness(app);
        assertEquals("s-maxage=2, stale-while-revalidate=18", h.get("/b").header("cache-control"));
    }
}
