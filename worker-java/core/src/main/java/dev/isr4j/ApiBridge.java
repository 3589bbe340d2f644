package dev.isr4j;

import dev.isr4j.data.DataCache;
import dev.isr4j.routing.ApiAccess;
import dev.isr4j.routing.RequestScope;
import dev.isr4j.routing.RouteSpec;
import java.util.List;
import java.util.Map;

/**
 * The runtime's view of the API types ({@link ApiAccess}), installed by {@link App}, {@link Request} and
 * {@link Response} as they load.
 */
final class ApiBridge implements ApiAccess.Bridge {
    private static final ApiBridge INSTANCE = new ApiBridge();

    private ApiBridge() {
    }

    static void install() {
        ApiAccess.install(INSTANCE);
    }

    @Override
    public List<RouteSpec> routes(App app) {
        return app.routes();
    }

    @Override
    public List<DataCache.Definition<?>> cachedFunctions(App app) {
        return app.cachedFunctions();
    }

    @Override
    public RequestScope scope(Request request) {
        return request.scope();
    }

    @Override
    public Request withScope(Request request, RequestScope scope) {
        return request.withScope(scope);
    }

    @Override
    public Request withRoute(Request request, String method, Map<String, String> params) {
        return request.withRoute(method, params);
    }

    @Override
    public Request withPath(Request request, String path) {
        return request.withPath(path);
    }

    @Override
    public String props(Response response) {
        return response.props();
    }

    @Override
    public Response withProps(Response response, String props) {
        return response.withProps(props);
    }
}
