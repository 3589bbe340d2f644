// The null worker behind the same wrapper: the baseline every other worker's own CPU is measured against.
import worker from "../null.mjs";
import { withMemoryKv } from "../with-memory-kv.mjs";

export default withMemoryKv(worker);
