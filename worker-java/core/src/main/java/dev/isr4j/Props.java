package dev.isr4j;

import dev.isr4j.text.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * What a page's static-props function returns: props (JSON), not-found, or a redirect; optionally with its
 * own revalidate and tags (as {@code getStaticProps}'s result).
 *
 * <pre>{@code
 * return post == null ? Props.notFound() : Props.of(Json.object().put("title", post.title())).revalidate(30);
 * }</pre>
 */
public final class Props {
    enum Kind { PROPS, NOT_FOUND, REDIRECT }

    private final Kind kind;
    private final String json;
    /** The value the JSON was written from ({@link #of(Object)}), handed to a typed renderer as it is. */
    private Object value;
    private final String destination;
    private final boolean permanent;
    private long revalidateSeconds;
    private final List<String> tags = new ArrayList<>();

    private Props(Kind kind, String json, String destination, boolean permanent) {
        this.kind = kind;
        this.json = json;
        this.destination = destination;
        this.permanent = permanent;
    }

    /** Props as a JSON object. */
    public static Props of(Json.Obj props) {
        return new Props(Kind.PROPS, props.toJson(), null, false);
    }

    /** Props as JSON text (an object). */
    /**
     * Props from a {@link dev.isr4j.bind.Jsonable} record or class (or a map): stored as its JSON, which the page's
     * data route returns, and given to a typed renderer ({@link PageBuilder#render(Class, PageBuilder.TypedRenderer)})
     * as it is. It must be a JSON object.
     */
    public static Props of(Object props) {
        if (props == null) {
            throw new IllegalArgumentException("Props.of(null): return Props.notFound() for a missing page");
        }
        String json = dev.isr4j.bind.JsonBinding.toJson(props);
        if (!json.startsWith("{")) {
            throw new IllegalArgumentException("page props must be a JSON object (a record, a class or a map), got "
                    + props.getClass().getName());
        }
        Props p = new Props(Kind.PROPS, json, null, false);
        p.value = props;
        return p;
    }

    /** The props as a {@code type}: the value they were made from, else read from their JSON. */
    public <T> T as(Class<T> type) {
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        return dev.isr4j.bind.JsonBinding.fromJson(json, type);
    }

    public static Props ofJson(String json) {
        if (json == null || !json.trim().startsWith("{")) {
            throw new IllegalArgumentException("page props must be a JSON object, got: " + json);
        }
        return new Props(Kind.PROPS, json, null, false);
    }

    /** This path has no page: a 404, cached like a page. */
    public static Props notFound() {
        return new Props(Kind.NOT_FOUND, null, null, false);
    }

    /** Redirect (308 when permanent, else 307), cached like a page. */
    public static Props redirect(String destination, boolean permanent) {
        if (destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("a redirect needs a destination");
        }
        return new Props(Kind.REDIRECT, null, destination, permanent);
    }

    /**
     * This result's revalidate in seconds: shorter than the page's, it replaces it for this entry; the page's
     * revalidate is the longest any of its entries stays fresh, so a longer one is the page's. 0 or less means the
     * page's.
     */
    public Props revalidate(long seconds) {
        this.revalidateSeconds = seconds;
        return this;
    }

    /** Tags for this result, in addition to the page's. */
    public Props tags(String... more) {
        for (String t : more) {
            Tags.validate(t);
            tags.add(t);
        }
        return this;
    }

    public boolean isNotFound() {
        return kind == Kind.NOT_FOUND;
    }

    public boolean isRedirect() {
        return kind == Kind.REDIRECT;
    }

    /** The props JSON, or null for not-found and redirects. */
    public String json() {
        return json;
    }

    public String destination() {
        return destination;
    }

    public boolean permanent() {
        return permanent;
    }

    public long revalidateSeconds() {
        return revalidateSeconds;
    }

    public List<String> tags() {
        return List.copyOf(tags);
    }
}
