package dev.isr4j.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.coord.CoordinatorObject.Verdict;
import dev.isr4j.testing.ManualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease and tag rules of one coordinator object, on a clock the test moves. */
class CoordinatorObjectTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long OLD = T0 - 120_000; // lastModified of the stale entry every isolate serves
    private static final long LEASE = 15_000;

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryCoordinatorStorage storage = new InMemoryCoordinatorStorage();
    private final CoordinatorObject coordinator = new CoordinatorObject(storage, clock);

    @Test
    void firstClaimerGetsTheLeaseAndOthersAreToldBusyUntilItEnds() {
        var first = coordinator.claim("k", "a", OLD, LEASE);
        assertEquals(Verdict.GRANTED, first.verdict());
        assertEquals(T0 + LEASE, first.until());
        clock.advanceMillis(LEASE - 1);
        var second = coordinator.claim("k", "b", OLD, LEASE);
        assertEquals(Verdict.BUSY, second.verdict());
        assertEquals(T0 + LEASE, second.until());
    }

    @Test
    void aLeaseItsHolderNeverFinishesEndsOnItsOwnSoACrashedIsolateNeverBlocksTheKey() {
        coordinator.claim("k", "crashed", OLD, LEASE);
        clock.advanceMillis(LEASE);
        assertEquals(Verdict.GRANTED, coordinator.claim("k", "b", OLD, LEASE).verdict());
    }

    @Test
    void aFinishedRegenerationIsDoneForLateClaimersThatStillSeeTheOlderEntry() {
        coordinator.claim("k", "a", OLD, LEASE);
        clock.advanceMillis(300);
        coordinator.finish("k", "a", T0 + 200);
        clock.advanceMillis(50_000); // another location's KV still shows the old entry
        var late = coordinator.claim("k", "b", OLD, LEASE);
        assertEquals(Verdict.DONE, late.verdict());
        assertEquals(T0 + 200, late.done());
    }

    @Test
    void whenTheNewEntryTurnsStaleItsFirstClaimerGetsANewLease() {
        coordinator.claim("k", "a", OLD, LEASE);
        coordinator.finish("k", "a", T0 + 200);
        clock.advanceMillis(61_000);
        assertEquals(Verdict.GRANTED, coordinator.claim("k", "b", T0 + 200, LEASE).verdict());
        assertEquals(Verdict.BUSY, coordinator.claim("k", "a", T0 + 200, LEASE).verdict());
    }

    @Test
    void aFailedRegenerationFreesTheKeyForTheNextClaimerAtOnce() {
        coordinator.claim("k", "a", OLD, LEASE);
        coordinator.finish("k", "a", -1);
        assertEquals(Verdict.GRANTED, coordinator.claim("k", "b", OLD, LEASE).verdict());
    }

    @Test
    void aHolderPastItsLeaseRecordsItsResultButDoesNotFreeTheNextHoldersLease() {
        coordinator.claim("k", "slow", OLD, LEASE);
        clock.advanceMillis(LEASE + 1);
        coordinator.claim("k", "next", OLD, LEASE);
        coordinator.finish("k", "slow", T0 + 10_000);
        assertEquals(Verdict.DONE, coordinator.claim("k", "third", OLD, LEASE).verdict());
        // one that saw the slow holder's entry is still kept out while "next" holds the key
        assertEquals(Verdict.BUSY, coordinator.claim("k", "third", T0 + 10_000, LEASE).verdict());
    }

    @Test
    void leaseLengthIsClampedBelowWaitUntilsThirtySeconds() {
        assertEquals(T0 + CoordinatorObject.MAX_LEASE_MILLIS, coordinator.claim("a", "x", OLD, 600_000).until());
        assertEquals(T0 + CoordinatorObject.MIN_LEASE_MILLIS, coordinator.claim("b", "x", OLD, 0).until());
    }

    @Test
    void keysAreForgottenAfterTheRetentionTimeSoStorageStaysBounded() {
        coordinator.claim("old", "a", OLD, LEASE);
        coordinator.finish("old", "a", T0);
        clock.advanceMillis(CoordinatorObject.RETENTION_MILLIS + 1);
        coordinator.claim("new", "a", OLD, LEASE);
        assertEquals(1, storage.leaseRows());
    }

    @Test
    void softNeverLowersHardAndHardNeverErasesSoft() {
        coordinator.revalidate(List.of("posts"), false, T0 + 10);
        coordinator.revalidate(List.of("posts"), true, T0 + 5);
        var state = coordinator.tags(List.of("posts", "never")).get("posts");
        assertEquals(T0 + 10, state.expiredAt());
        assertEquals(T0 + 5, state.staleAt());
        coordinator.revalidate(List.of("posts"), false, T0 + 1);
        assertEquals(new CoordinatorStorage.Tag(T0 + 10, T0 + 5), coordinator.tags(List.of("posts")).get("posts"));
        assertEquals(CoordinatorStorage.Tag.NEVER, coordinator.tags(List.of("never")).get("never"));
    }

    @Test
    void theWireProtocolAnswersWhatTheTypedCallsDoAndErrorsAsAnswers() {
        String granted = coordinator.handle(CoordinatorProtocol.claim("k", "a", OLD, LEASE));
        assertTrue(granted.contains("\"r\":\"granted\""), granted);
        assertTrue(coordinator.handle(CoordinatorProtocol.claim("k", "b", OLD, LEASE)).contains("\"r\":\"busy\""));
        var states = CoordinatorProtocol.parseTagStates(coordinator.handle(
                CoordinatorProtocol.revalidate(List.of("t"), true, T0)));
        assertEquals(new CoordinatorStorage.Tag(-1, T0), states.get("t"));
        String error = coordinator.handle("{\"op\":\"claim\"}");
        assertTrue(error.contains("\"r\":\"error\"") && error.contains("key"), error);
        assertTrue(coordinator.handle("not json").contains("\"r\":\"error\""));
    }
}
