package dev.isr4j.coord;

/**
 * What one coordinator object keeps: a row per key that was regenerated recently (its lease and the last
 * regeneration's result) and a row per revalidated tag. In workerd this is the Durable Object's SQLite
 * storage, whose calls are synchronous; on the JVM, {@link InMemoryCoordinatorStorage}.
 */
public interface CoordinatorStorage {
    /**
     * @param holder who holds the lease (null: nobody)
     * @param until when the lease ends (epoch ms, the coordinator's clock)
     * @param done lastModified of the newest entry a finished regeneration wrote (-1: none)
     * @param touched when the row last changed; rows untouched for {@link CoordinatorObject#RETENTION_MILLIS} go
     */
    record Lease(String key, String holder, long until, long done, long touched) {
    }

    /** A tag's invalidations (epoch ms of the last hard and soft revalidation, -1: never). */
    record Tag(long expiredAt, long staleAt) {
        public static final Tag NEVER = new Tag(-1, -1);
    }

    /** The key's row, or null. */
    Lease lease(String key);

    void putLease(Lease lease);

    /** Drops rows last touched before {@code touched}. */
    void forgetLeasesBefore(long touched);

    /** The tag's row, or null when it was never revalidated. */
    Tag tag(String tag);

    void putTag(String tag, Tag state);
}
