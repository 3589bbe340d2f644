// isr4j with the regional and memory tiers off (vars, set in lib/workers.mjs) (the shim and its Wasm module, unchanged) over the in-memory KV stand-in.
import worker from "../../../../worker-java/fixtures/worker/isr4j-worker.mjs";
import { withMemoryKv } from "../with-memory-kv.mjs";

export default withMemoryKv(worker);
