package dev.isr4j.coord;

import java.util.HashMap;
import java.util.Map;

/** A coordinator object's storage in memory: for JVM tests and the test kit's cluster mode. */
final class InMemoryCoordinatorStorage implements CoordinatorStorage {
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Tag> tags = new HashMap<>();

    @Override
    public synchronized Lease lease(String key) {
        return leases.get(key);
    }

    @Override
    public synchronized void putLease(Lease lease) {
        leases.put(lease.key(), lease);
    }

    @Override
    public synchronized void forgetLeasesBefore(long touched) {
        leases.values().removeIf(l -> l.touched() < touched);
    }

    @Override
    public synchronized Tag tag(String tag) {
        return tags.get(tag);
    }

    @Override
    public synchronized void putTag(String tag, Tag state) {
        tags.put(tag, state);
    }

    /** Rows kept (for tests of the retention bound). */
    public synchronized int leaseRows() {
        return leases.size();
    }
}
