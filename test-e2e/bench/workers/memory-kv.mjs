// An in-memory stand-in for a Workers KV namespace binding, for measuring a worker's own CPU: every
// call resolves at once, so no time goes to a KV simulator. Same API as the binding (the parts the
// benchmark's workers use): get(key, type | {type}), getWithMetadata(key, type | {type}),
// put(key, value, {metadata, expirationTtl, expiration}), delete(key), list({prefix, cursor, limit}).
// Values come back as KV returns them: a fresh ArrayBuffer copy for "arrayBuffer", a string for "text",
// a parsed value for "json", a stream for "stream"; metadata is a freshly parsed object on every read.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function typeOf(options) {
  if (options === undefined || options === null) return "text";
  return typeof options === "string" ? options : (options.type ?? "text");
}

export class MemoryKv {
  /** Calls per method, for the benchmark's "KV operations per request". */
  counts = { get: 0, getWithMetadata: 0, put: 0, delete: 0, list: 0 };

  /** @type {Map<string, {text: string | null, bytes: Uint8Array | null, metadata: string | null, expiresAt: number}>} */
  #entries = new Map();

  get size() {
    return this.#entries.size;
  }

  #live(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt !== 0 && Date.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return null;
    }
    return entry;
  }

  #read(entry, type) {
    switch (type) {
      case "text":
        return entry.text ?? decoder.decode(entry.bytes);
      case "json":
        return JSON.parse(entry.text ?? decoder.decode(entry.bytes));
      case "arrayBuffer": {
        const bytes = entry.bytes ?? encoder.encode(entry.text);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }
      case "stream": {
        const bytes = entry.bytes ?? encoder.encode(entry.text);
        return new Blob([bytes]).stream();
      }
      default:
        throw new TypeError(`MemoryKv: unknown type ${JSON.stringify(type)}`);
    }
  }

  get(key, options) {
    this.counts.get++;
    const type = typeOf(options);
    const entry = this.#live(key);
    try {
      return Promise.resolve(entry === null ? null : this.#read(entry, type));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  getWithMetadata(key, options) {
    this.counts.getWithMetadata++;
    const type = typeOf(options);
    const entry = this.#live(key);
    try {
      if (entry === null) return Promise.resolve({ value: null, metadata: null });
      const metadata = entry.metadata === null ? null : JSON.parse(entry.metadata);
      return Promise.resolve({ value: this.#read(entry, type), metadata });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  put(key, value, options = {}) {
    this.counts.put++;
    if (value !== null && typeof value === "object" && typeof value.getReader === "function") {
      return new Response(value).arrayBuffer().then((buffer) => this.put(key, buffer, options));
    }
    let text = null;
    let bytes = null;
    if (typeof value === "string") {
      text = value;
    } else if (value instanceof ArrayBuffer) {
      bytes = new Uint8Array(value.slice(0));
    } else if (ArrayBuffer.isView(value)) {
      bytes = new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    } else {
      return Promise.reject(new TypeError("MemoryKv.put: value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream"));
    }
    let expiresAt = 0;
    if (options.expiration) expiresAt = options.expiration * 1000;
    else if (options.expirationTtl) expiresAt = Date.now() + options.expirationTtl * 1000;
    const metadata = options.metadata === undefined || options.metadata === null ? null : JSON.stringify(options.metadata);
    this.#entries.set(key, { text, bytes, metadata, expiresAt });
    return Promise.resolve();
  }

  delete(key) {
    this.counts.delete++;
    this.#entries.delete(key);
    return Promise.resolve();
  }

  list(options = {}) {
    this.counts.list++;
    const prefix = options.prefix ?? "";
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const names = [...this.#entries.keys()].filter((k) => k.startsWith(prefix) && this.#live(k) !== null).sort();
    const start = options.cursor ? Number(options.cursor) : 0;
    const page = names.slice(start, start + limit);
    const keys = page.map((name) => {
      const { metadata } = this.#entries.get(name);
      return metadata === null ? { name } : { name, metadata: JSON.parse(metadata) };
    });
    const complete = start + limit >= names.length;
    return Promise.resolve(complete ? { keys, list_complete: true, cacheStatus: null } : { keys, list_complete: false, cursor: String(start + limit), cacheStatus: null });
  }

  /** Removes every key containing the substring (the benchmark's cleanup between MISS and STALE runs). */
  deleteContaining(substring) {
    let n = 0;
    for (const key of [...this.#entries.keys()]) {
      if (key.includes(substring)) {
        this.#entries.delete(key);
        n++;
      }
    }
    return n;
  }
}
