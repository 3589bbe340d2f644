package dev.isr4j.isr;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.store.CacheKeys;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request collapsing in one isolate (a cache's "waiting list"): of the concurrent requests for one key that would
 * each render, one renders (the leader) and the others wait for its result and answer from it.
 *
 * <p>Rules: only what the leader {@link Turn#share shares} is handed on; a leader whose result turned out to
 * belong to its caller ({@link Turn#keepPrivate}: dynamic) sends every waiter off to render for itself and stops
 * collapsing its group (route) for {@link #PRIVATE_MILLIS}; a leader that failed ({@link Turn#fail}) frees the key,
 * and one of the waiters becomes the next leader. Every wait is bounded: past {@code waitMillis} (by the runtime's
 * clock) a waiter renders for itself, as does a request past {@link #MAX_WAITERS} waiters on a key or past
 * {@link #MAX_KEYS} keys being collapsed at once.
 *
 * <p>Waiters poll (sleeping between looks) instead of being woken: in workerd, a waiter woken by the leader would
 * resume from the leader's request, which workerd forbids (see architecture.md); a waiter's own timer resumes it
 * from its own. Nothing here takes a lock.
 *
 * @param <S> what a finished render hands to its waiters
 */
public final class RequestCollapser<S> {
    /** Keys collapsed at once (rendering, or rendered and not yet written); past it requests render alone. */
    public static final int MAX_KEYS = 512;
    /** Waiters on one key; past it a request renders alone. */
    public static final int MAX_WAITERS = 1000;
    /** How long a group whose render turned out dynamic is not collapsed. */
    public static final long PRIVATE_MILLIS = 60_000;
    static final int MAX_PRIVATE_GROUPS = 1000;
    /** A shared result is handed to late arrivals at most this long while its write lands (waitUntil's limit). */
    public static final long SHARED_AT_MOST_MILLIS = 30_000;
    /** How long after a write a new leader for its key reads the store again before rendering. */
    public static final long RELEASE_GRACE_MILLIS = 2_000;
    private static final int SWEEP_FROM = 32;
    private static final int FIRST_PAUSE_MILLIS = 2;
    private static final int LONGEST_PAUSE_MILLIS = 25;

    private static final int RUNNING = 0;
    private static final int SHARED = 1;
    private static final int PRIVATE = 2;
    private static final int FAILED = 3;

    /** How a waiter passes the time between looks; the JVM and TeaVM's green threads both sleep. */
    @FunctionalInterface
    public interface Pause {
        Pause SLEEP = millis -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a collapsed render", e);
            }
        };

        void pause(long millis);
    }

    private static final class Flight<S> {
        /** When its render started (runtime clock): one running past the wait bound is taken over. */
        final long startedAt;
        volatile int state = RUNNING;
        volatile S shared;
        /** Until when (runtime clock) a shared result may still be handed to a request that arrives late. */
        volatile long usableUntil;
        final AtomicInteger waiters = new AtomicInteger();

        Flight(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    private final ConcurrentHashMap<String, Flight<S>> flights = new ConcurrentHashMap<>();
    /** Group -> until when it is not collapsed (its render turned out dynamic). */
    private final ConcurrentHashMap<String, Long> privateGroups = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Log log;
    private volatile Pause pause;
    private volatile boolean reportedFull;

    public RequestCollapser(Clock clock, Log log, Pause pause) {
        this.clock = clock;
        this.log = log;
        this.pause = pause;
    }

    /**
     * A request's place for {@code key}: the result of a render another request made ({@link Turn#shared}), the
     * lead (render, then end the turn), or alone (render, nothing to report). May pause up to {@code waitMillis}.
     *
     * @param group what a dynamic result stops collapsing (the route); null: only this key
     * @param waitMillis how long to wait for another request's render; 0 turns collapsing off
     */
    public Turn<S> join(String key, String group, long waitMillis) {
        if (waitMillis <= 0 || (group != null && isPrivate(group))) {
            return alone();
        }
        Wait wait = startWait(waitMillis, LONGEST_PAUSE_MILLIS);
        Flight<S> waitingOn = null;
        try {
            while (true) {
                if (waitingOn != null) {
                    int state = waitingOn.state;
                    if (state == SHARED) {
                        return new Turn<>(this, key, null, waitingOn.shared);
                    }
                    if (state == PRIVATE) {
                        return alone();
                    }
                }
                Flight<S> current = flights.get(key);
                long now = clock.millis();
                if (current == null || current.state == FAILED
                        || (current.state == SHARED && now >= current.usableUntil)
                        || (current.state == RUNNING && now - current.startedAt >= waitMillis)) {
                    // Free, failed, or a render running past the bound (hung): this request leads a new one.
                    if (current == null && flights.size() >= SWEEP_FROM) {
                        sweep();
                    }
                    if (current == null && flights.size() >= MAX_KEYS) {
                        reportFull();
                        return alone();
                    }
                    Flight<S> mine = new Flight<>(now);
                    boolean won = current == null ? flights.putIfAbsent(key, mine) == null
                            : flights.replace(key, current, mine);
                    if (won) {
                        if (current != null && current.state == RUNNING) {
                            log.warn("a render of " + CacheKeys.storageKey(key) + " has run for " + waitMillis
                                    + " ms or more; rendering it again for the requests that wait");
                        }
                        return new Turn<>(this, key, mine, null);
                    }
                    continue; // another request took the lead in between (JVM threads only)
                }
                if (current.state == SHARED) {
                    return new Turn<>(this, key, null, current.shared); // rendered, its write not landed yet
                }
                if (current.state == PRIVATE) {
                    return alone();
                }
                if (current != waitingOn) {
                    if (waitingOn != null) {
                        waitingOn.waiters.decrementAndGet();
                    }
                    waitingOn = null;
                    if (current.waiters.incrementAndGet() > MAX_WAITERS) {
                        current.waiters.decrementAndGet();
                        return alone();
                    }
                    waitingOn = current;
                }
                if (wait.over()) {
                    log.warn("waited " + waitMillis + " ms for another request's render of "
                            + CacheKeys.storageKey(key) + "; rendering this request itself");
                    return alone();
                }
                wait.pause();
            }
        } finally {
            if (waitingOn != null) {
                waitingOn.waiters.decrementAndGet();
            }
        }
    }

    /** How waiters pass the time between looks (a simulation may advance its clock instead of sleeping). */
    public void pause(Pause pause) {
        this.pause = pause;
    }

    /**
     * A wait of at most {@code millis}, in pauses of {@value #FIRST_PAUSE_MILLIS} ms doubling up to
     * {@code longestPause}, passed as waiters pass it (see {@link #pause(Pause)}).
     */
    public Wait startWait(long millis, long longestPause) {
        return new Wait(millis, longestPause);
    }

    /** A bounded wait: over once its time has passed by the runtime's clock or in pauses taken. */
    public final class Wait {
        private final long limit;
        private final long deadline;
        private final long longestPause;
        private long nextPause = FIRST_PAUSE_MILLIS;
        private long paused;

        private Wait(long limit, long longestPause) {
            this.limit = limit;
            this.deadline = clock.millis() + limit;
            this.longestPause = longestPause;
        }

        public boolean over() {
            return clock.millis() >= deadline || paused >= limit; // a clock that does not move (a test's) still ends it
        }

        public void pause() {
            pause.pause(nextPause);
            paused += nextPause;
            nextPause = Math.min(nextPause * 2, longestPause);
        }
    }

    /** How many requests wait on {@code key}'s render now. */
    public int waiting(String key) {
        Flight<S> f = flights.get(key);
        return f == null ? 0 : f.waiters.get();
    }

    private Turn<S> alone() {
        return new Turn<>(this, null, null, null);
    }

    private boolean isPrivate(String group) {
        Long until = privateGroups.get(group);
        if (until == null) {
            return false;
        }
        if (clock.millis() < until) {
            return true;
        }
        privateGroups.remove(group, until);
        return false;
    }

    private void markPrivate(String group) {
        if (privateGroups.size() >= MAX_PRIVATE_GROUPS) {
            privateGroups.clear(); // forgetting only costs a wait that ends in rendering alone
        }
        privateGroups.put(group, clock.millis() + PRIVATE_MILLIS);
    }

    /** Keys whose shared result was stored, and when (runtime clock); emptied when full. */
    private final ConcurrentHashMap<String, Long> recentlyStored = new ConcurrentHashMap<>();
    static final int MAX_RECENTLY_STORED = 1024;

    private void noteStored(String key) {
        if (recentlyStored.size() >= MAX_RECENTLY_STORED) {
            recentlyStored.clear(); // forgetting only costs a render in a race
        }
        recentlyStored.put(key, clock.millis());
    }

    private boolean storedRecently(String key) {
        Long at = recentlyStored.get(key);
        return at != null && clock.millis() - at < RELEASE_GRACE_MILLIS;
    }

    /** Drops shared results no request may be handed any more (each holds a body). */
    private void sweep() {
        long now = clock.millis();
        flights.entrySet().removeIf(e -> e.getValue().state == SHARED && now >= e.getValue().usableUntil);
    }

    /**
     * Forgets every shared result: called when this isolate revalidates anything, so no request it answers after
     * that is handed a render made before (renders still running are not affected: their entries are dated when
     * written, as every render's).
     */
    public void forgetShared() {
        flights.entrySet().removeIf(e -> e.getValue().state == SHARED);
    }

    private void reportFull() {
        if (!reportedFull) {
            reportedFull = true;
            log.warn(MAX_KEYS + " keys are being collapsed in this isolate; requests for more keys render "
                    + "without waiting for each other until some finish");
        }
    }

    private void end(String key, Flight<S> flight, int state) {
        flight.state = state;
        if (state != SHARED) {
            flights.remove(key, flight);
        }
        if (flights.size() <= MAX_KEYS / 2) {
            reportedFull = false;
        }
    }

    /**
     * One request's place. A leader must end its turn exactly once: {@link #share}, {@link #keepPrivate} or
     * {@link #fail} (a finally block that calls {@link #fail} after either is harmless).
     */
    public static final class Turn<S> {
        private final RequestCollapser<S> owner;
        private final String key;
        private final Flight<S> flight;
        private final S shared;

        private final boolean followsAWrite;

        private Turn(RequestCollapser<S> owner, String key, Flight<S> flight, S shared) {
            this.owner = owner;
            this.key = key;
            this.flight = flight;
            this.shared = shared;
            this.followsAWrite = flight != null && owner.storedRecently(key);
        }

        /** Another request's render, for this one to answer from; null when this one renders. */
        public S shared() {
            return shared;
        }

        /**
         * Whether this leader follows a render of its key whose write landed moments ago: it may have read the
         * store before that write did, so it reads again before rendering.
         */
        public boolean followsAWrite() {
            return followsAWrite;
        }

        /** Whether this request renders for its waiters (and must end its turn). */
        public boolean leads() {
            return flight != null;
        }

        /**
         * Hands {@code result} to every waiter, and to requests that arrive until {@code usableUntil} (runtime
         * clock) or until {@link #stored} or {@link #drop}, whichever is first.
         */
        public void share(S result, long usableUntil) {
            if (flight != null && flight.state == RUNNING) {
                flight.shared = result;
                flight.usableUntil = usableUntil;
                owner.end(key, flight, SHARED);
            }
        }

        /** The result belongs to this request alone: waiters render for themselves; the group stops collapsing. */
        public void keepPrivate(String group) {
            if (flight != null && flight.state == RUNNING) {
                if (group != null) {
                    owner.markPrivate(group);
                }
                owner.end(key, flight, PRIVATE);
            }
        }

        /** The render failed (threw, or its result may not be shared): the next waiter leads. */
        public void fail() {
            if (flight != null && flight.state == RUNNING) {
                owner.end(key, flight, FAILED);
            }
        }

        /**
         * A shared result is in the store now: later requests read it there. One that read the store before the
         * write landed and leads a new render within {@link #RELEASE_GRACE_MILLIS} is told to read again first
         * ({@link #followsAWrite}).
         */
        public void stored() {
            if (flight != null) {
                owner.flights.remove(key, flight);
                owner.noteStored(key);
            }
        }

        /** The shared result is not handed on any more (it was not stored, or the store has it here already). */
        public void drop() {
            if (flight != null) {
                owner.flights.remove(key, flight);
            }
        }
    }
}
