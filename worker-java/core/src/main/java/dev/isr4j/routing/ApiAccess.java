package dev.isr4j.routing;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.data.DataCache;
import java.util.List;
import java.util.Map;

/**
 * The runtime's door to what the API types keep from users: an app's route and cached-function declarations,
 * a request's per-request scope and routed copies, and the props a page answer carries. The API package installs its one implementation when
 * its classes load (as the JDK's shared secrets do), so none of this is a public method a handler could call.
 */
public final class ApiAccess {
    /** Implemented once, package-private, in {@code dev.isr4j}. */
    public interface Bridge {
        List<RouteSpec> routes(App app);

        List<DataCache.Definition<?>> cachedFunctions(App app);

        RequestScope scope(Request request);

        Request withScope(Request request, RequestScope scope);

        Request withRoute(Request request, String method, Map<String, String> params);

        Request withPath(Request request, String path);

        String props(Response response);

        Response withProps(Response response, String props);
    }

    private static volatile Bridge bridge;

    private ApiAccess() {
    }

    /** Called by the API package's classes as they load; a second, different bridge is refused. */
    public static void install(Bridge implementation) {
        synchronized (ApiAccess.class) {
            if (bridge != null && bridge != implementation) {
                throw new IllegalStateException("isr4j's API bridge is installed already");
            }
            bridge = implementation;
        }
    }

    /** The app's routes in declaration order. */
    public static List<RouteSpec> routes(App app) {
        return bridge.routes(app);
    }

    /** The app's cached functions in declaration order. */
    public static List<DataCache.Definition<?>> cachedFunctions(App app) {
        return bridge.cachedFunctions(app);
    }

    /** The runtime's per-request services attached to {@code request} ({@link RequestScope#NONE} until bound). */
    public static RequestScope scope(Request request) {
        return bridge.scope(request);
    }

    /** A copy of {@code request} bound to {@code scope}. */
    public static Request withScope(Request request, RequestScope scope) {
        return bridge.withScope(request, scope);
    }

    /** A copy for another method and the matched path parameters, with a fresh dynamic flag; same scope. */
    public static Request withRoute(Request request, String method, Map<String, String> params) {
        return bridge.withRoute(request, method, params);
    }

    /** A copy for another path on the same origin (keeps method, headers, body, scope; drops the query). */
    public static Request withPath(Request request, String path) {
        return bridge.withPath(request, path);
    }

    /** A page answer's props JSON (its entry's {@code CacheValue.props}), or null for any other answer. */
    public static String props(Response response) {
        return bridge.props(response);
    }

    /** {@code response} carrying a page's props JSON: never a header, so it cannot reach a client as one. */
    public static Response withProps(Response response, String props) {
        return bridge.withProps(response, props);
    }
}
