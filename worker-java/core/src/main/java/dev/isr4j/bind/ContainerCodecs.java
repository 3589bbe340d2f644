package dev.isr4j.bind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The adapters behind {@link JsonCodecs} for containers of other adapters' values, and for enums. */
final class ContainerCodecs {
    private ContainerCodecs() {
    }

    /** Lists, sets and collections: a JSON array of the element's adapter. */
    abstract static class ArrayCodec<C extends Collection<T>, T> implements JsonAdapter<C> {
        final JsonAdapter<T> element;

        ArrayCodec(JsonAdapter<T> element) {
            this.element = element;
        }

        abstract C empty();

        @Override
        public void write(JsonWriter out, C value) {
            if (value == null) {
                out.nullValue();
                return;
            }
            out.beginArray();
            for (T item : ordered(value)) {
                element.write(out, item);
            }
            out.endArray();
        }

        Collection<T> ordered(C value) {
            return value;
        }

        @Override
        public C read(JsonParser in) {
            if (in.nextIsNull()) {
                return null;
            }
            C out = empty();
            in.beginArray();
            while (in.hasNext()) {
                out.add(element.read(in));
            }
            in.endArray();
            return out;
        }
    }

    static final class ListCodec<T> extends ArrayCodec<List<T>, T> {
        ListCodec(JsonAdapter<T> element) {
            super(element);
        }

        @Override
        List<T> empty() {
            return new ArrayList<>();
        }
    }

    static final class CollectionCodec<T> extends ArrayCodec<Collection<T>, T> {
        CollectionCodec(JsonAdapter<T> element) {
            super(element);
        }

        @Override
        Collection<T> empty() {
            return new ArrayList<>();
        }
    }

    static final class SetCodec<T> extends ArrayCodec<Set<T>, T> {
        SetCodec(JsonAdapter<T> element) {
            super(element);
        }

        @Override
        Set<T> empty() {
            return new LinkedHashSet<>();
        }

        @Override
        Collection<T> ordered(Set<T> value) {
            return Ordering.set(value);
        }
    }

    static final class MapCodec<T> implements JsonAdapter<Map<String, T>> {
        private final JsonAdapter<T> value;

        MapCodec(JsonAdapter<T> value) {
            this.value = value;
        }

        @Override
        public void write(JsonWriter out, Map<String, T> map) {
            if (map == null) {
                out.nullValue();
                return;
            }
            out.beginObject();
            for (Map.Entry<String, T> e : Ordering.map(map)) {
                if (e.getKey() == null) {
                    throw new JsonBindingException(null, "cannot write a map with a null key as JSON");
                }
                out.name(e.getKey());
                value.write(out, e.getValue());
            }
            out.endObject();
        }

        @Override
        public Map<String, T> read(JsonParser in) {
            if (in.nextIsNull()) {
                return null;
            }
            Map<String, T> out = new LinkedHashMap<>();
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                out.put(name, value.read(in));
            }
            in.endObject();
            return out;
        }
    }

    static final class OptionalCodec<T> implements JsonAdapter<Optional<T>> {
        private final JsonAdapter<T> value;

        OptionalCodec(JsonAdapter<T> value) {
            this.value = value;
        }

        @Override
        public void write(JsonWriter out, Optional<T> v) {
            if (v == null || v.isEmpty()) {
                out.nullValue();
            } else {
                value.write(out, v.get());
            }
        }

        @Override
        public Optional<T> read(JsonParser in) {
            return in.nextIsNull() ? Optional.empty() : Optional.ofNullable(value.read(in));
        }
    }

    static final class EnumCodec<E extends Enum<E>> implements JsonAdapter<E> {
        private final Class<E> type;
        private final E[] constants;

        EnumCodec(Class<E> type, E[] constants) {
            this.type = type;
            this.constants = constants;
        }

        @Override
        public void write(JsonWriter out, E value) {
            out.value(value == null ? null : value.name());
        }

        @Override
        public E read(JsonParser in) {
            if (in.nextIsNull()) {
                return null;
            }
            String name = in.nextString();
            for (E c : constants) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            var names = new StringBuilder();
            for (E c : constants) {
                names.append(names.length() == 0 ? "" : ", ").append(c.name());
            }
            throw new JsonBindingException(in.path(), "expected one of " + names + ", found \"" + name + "\"");
        }

        @Override
        public Class<E> type() {
            return type;
        }
    }
}
