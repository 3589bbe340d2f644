// Wraps a module worker so that its CACHE_KV binding is a module-level in-memory stand-in (MemoryKv).
// Every worker measured for "own CPU" goes through this same wrapper, the null worker too, so the
// wrapper's own cost cancels out when the null worker's CPU per request is subtracted.
//
// Bench control routes (the runner's only way into the isolate's memory; never used under load):
//   GET    /__bench/kv?key=K            -> the value's bytes, metadata JSON in x-kv-metadata (404 if absent)
//   PUT    /__bench/kv?key=K            -> stores the request body, metadata from x-kv-metadata
//   DELETE /__bench/kv?contains=S       -> deletes every key containing S, answers {"deleted": n, "size": m}
//   POST   /__bench/kv?stats            -> the calls per KV method so far, {"get": n, ...} (not counting these routes)
//   POST   /__bench/kv?copied           -> {"copied": n}: body bytes isr4j copied between Java and JS in this isolate
import { MemoryKv } from "./memory-kv.mjs";

const CONTROL = "/__bench/kv";

export function withMemoryKv(worker, binding = "CACHE_KV") {
  const kv = new MemoryKv();
  let lastEnv = null;
  let wrappedEnv = null;
  return {
    fetch(request, env, ctx) {
      if (request.url.includes(CONTROL)) return control(kv, request);
      if (env !== lastEnv) {
        lastEnv = env;
        wrappedEnv = { ...env, [binding]: kv };
      }
      return worker.fetch(request, wrappedEnv, ctx);
    },
  };
}

async function control(kv, request) {
  const url = new URL(request.url);
  if (url.pathname !== CONTROL) return new Response("unknown bench control route\n", { status: 404 });
  const key = url.searchParams.get("key");
  switch (request.method) {
    case "GET": {
      const { value, metadata } = await kv.getWithMetadata(key, "arrayBuffer");
      if (value === null) return new Response(null, { status: 404 });
      return new Response(value, { headers: { "x-kv-metadata": JSON.stringify(metadata) } });
    }
    case "PUT": {
      const metadata = request.headers.get("x-kv-metadata");
      await kv.put(key, await request.arrayBuffer(), metadata === null ? {} : { metadata: JSON.parse(metadata) });
      return new Response(null, { status: 204 });
    }
    case "POST":
      if (url.searchParams.has("copied")) return Response.json({ copied: globalThis.isr4jBodyBytesCopied ?? 0 });
      return Response.json(kv.counts);
    case "DELETE": {
      const deleted = kv.deleteContaining(url.searchParams.get("contains") ?? "\u0000never");
      return Response.json({ deleted, size: kv.size });
    }
    default:
      return new Response(null, { status: 405 });
  }
}
