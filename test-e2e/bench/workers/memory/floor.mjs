// The floor over the in-memory KV stand-in.
import worker from "../floor.mjs";
import { withMemoryKv } from "../with-memory-kv.mjs";

export default withMemoryKv(worker);
