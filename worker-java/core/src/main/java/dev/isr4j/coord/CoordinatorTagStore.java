package dev.isr4j.coord;

import dev.isr4j.api.TagStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tag records in the coordinator (sharded by tag): one call per shard per lookup. */
public final class CoordinatorTagStore implements TagStore {
    private final CoordinatorClient client;

    public CoordinatorTagStore(CoordinatorClient client) {
        this.client = client;
    }

    @Override
    public Map<String, State> read(List<String> tags) {
        return states(client.tags(tags));
    }

    @Override
    public Map<String, State> revalidate(List<String> tags, boolean soft, long at) {
        return states(client.revalidate(tags, soft, at));
    }

    private static Map<String, State> states(Map<String, CoordinatorStorage.Tag> tags) {
        var out = new LinkedHashMap<String, State>();
        tags.forEach((tag, s) -> out.put(tag, new State(s.expiredAt(), s.staleAt())));
        return out;
    }
}
