// A connection to the user worker's isolate through workerd's V8 inspector (Miniflare's inspectorPort), for the
// diagnostics that read inside the isolate (profile.mjs, heap.mjs).

/** @returns {Promise<{send: (method: string, params?: object) => Promise<any>, close: () => void}>} */
export async function inspectUserWorker(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const target = targets.find((t) => t.id === "core:user:"); // the user worker (core:entry is miniflare's router)
  if (!target) throw new Error(`no core:user: inspector target among ${targets.map((t) => t.id).join(", ")}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close() };
}
