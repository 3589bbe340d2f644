// The peer (the esbuild bundle of ../peer.mjs) over the in-memory KV stand-in.
import worker from "../../build/peer.mjs";
import { withMemoryKv } from "../with-memory-kv.mjs";

export default withMemoryKv(worker);
