// The peer: vinext's published KV cache handler (@vinext/cloudflare 0.2.1) behind the
// stale-while-revalidate flow of vinext's caching docs, serving the same routes as isr4j's fixture app.
//   fresh -> serve the stored body;
//   stale (cacheState "stale") -> serve it and regenerate in ctx.waitUntil (once per key per isolate);
//   miss -> render, serve, and store in ctx.waitUntil.
// The x-bench-cache response header says which (HIT, STALE, MISS), like isr4j's x-isr-cache.
// Bundled by esbuild (lib/build-peer.mjs) into build/peer.mjs; needs the nodejs_compat flag.
import { KVCacheHandler } from "@vinext/cloudflare/cache/kv-data-adapter.runtime";
import { runWithExecutionContext } from "vinext/shims/request-context";
import { matchRoute, EXPIRE_SECONDS } from "./routes.mjs";

/** One handler per isolate, as vinext keeps it (its tag cache lives across requests). */
let handler = null;
const regenerating = new Set();

export default {
  fetch(request, env, ctx) {
    // As vinext's worker entry does: the handler finds ctx.waitUntil through AsyncLocalStorage.
    return runWithExecutionContext(ctx, () => handle(request, env, ctx));
  },
};

async function handle(request, env, ctx) {
  const route = matchRoute(new URL(request.url).pathname);
  if (route === null) return new Response("not found\n", { status: 404 });
  if (request.method !== "GET") return new Response("method not allowed\n", { status: 405, headers: { allow: "GET" } });
  handler ??= new KVCacheHandler(env.CACHE_KV);

  const cached = await handler.get(route.path, { kind: "APP_ROUTE", tags: route.tags });
  const value = cached?.value;
  if (value && value.kind === "APP_ROUTE") {
    if (cached.cacheState === "stale") {
      if (!regenerating.has(route.path)) {
        regenerating.add(route.path);
        ctx.waitUntil(store(route, route.render()).finally(() => regenerating.delete(route.path)));
      }
      return respond(value, route, "STALE");
    }
    return respond(value, route, "HIT");
  }
  const rendered = route.render();
  ctx.waitUntil(store(route, rendered)); // set() encodes the body before it returns
  return respond(rendered, route, "MISS");
}

function store(route, rendered) {
  return handler.set(
    route.path,
    { kind: "APP_ROUTE", body: rendered.body, status: rendered.status, headers: rendered.headers },
    { revalidate: route.revalidate, tags: [...route.tags, `_N_T_${route.path}`] },
  );
}

function respond(value, route, state) {
  const headers = new Headers(value.headers);
  const maxAge = state === "STALE" ? 0 : route.revalidate;
  headers.set("cache-control", `s-maxage=${maxAge}, stale-while-revalidate=${EXPIRE_SECONDS - route.revalidate}`);
  headers.set("x-bench-cache", state);
  return new Response(value.body, { status: value.status ?? 200, headers });
}
