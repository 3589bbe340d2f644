package dev.isr4j.coord;

import dev.isr4j.api.Clock;
import dev.isr4j.api.CoordinatorTransport;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's shards as objects in this process, reached through the same wire protocol as in workerd:
 * for JVM tests and the test kit's cluster mode. It can be made unreachable, to show what isolates do then.
 */
public final class InProcessCoordinator implements CoordinatorTransport {
    private final List<CoordinatorObject> shards = new ArrayList<>();
    private boolean unreachable;
    private long calls;

    public InProcessCoordinator(int shards, Clock clock) {
        for (int i = 0; i < shards; i++) {
            this.shards.add(new CoordinatorObject(new InMemoryCoordinatorStorage(), clock));
        }
    }

    /** While true, every exchange fails as a call past its deadline does. */
    public synchronized void unreachable(boolean on) {
        unreachable = on;
    }

    /** Calls (subrequests, in workerd) answered or refused so far. */
    public synchronized long calls() {
        return calls;
    }

    public int shardCount() {
        return shards.size();
    }

    @Override
    public synchronized List<String> exchange(List<Call> batch) {
        calls += batch.size();
        if (unreachable) {
            throw new IllegalStateException("the coordinator did not answer within its deadline");
        }
        var answers = new ArrayList<String>(batch.size());
        for (Call call : batch) {
            answers.add(shards.get(call.shard()).handle(call.body()));
        }
        return answers;
    }
}
