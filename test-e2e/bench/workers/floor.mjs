// The floor: exactly the unavoidable work of a cache hit on isr4j's KV format, nothing else.
// One getWithMetadata(key, "arrayBuffer"), then a Response with the stored status and headers.
// Entry format (KvEntryFormat.java, version 1): value = the body bytes; metadata =
// {"v":1,"k":"route","s":<status>,"h":[[name, value], ...],"lm":..,"ra":..,"ea":..,"t":[...]}.
// It never renders: the benchmark seeds its KV with entries copied from isr4j's.
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const { value, metadata } = await env.CACHE_KV.getWithMetadata(`cache:app:${pathname}:route`, "arrayBuffer");
    if (value === null) return new Response("floor: not cached\n", { status: 404 });
    return new Response(value, { status: metadata.s, headers: metadata.h });
  },
};
