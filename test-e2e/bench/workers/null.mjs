// The null worker: a constant response, touching no KV. Its CPU per request is the runtime's and the
// harness's own cost, which the benchmark subtracts from every other worker's.
const BODY = '{"ok":true}';

export default {
  fetch() {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
};
