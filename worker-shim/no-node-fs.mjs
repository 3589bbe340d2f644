// Stands in for "node:fs/promises" in the bundle (wrangler.jsonc "alias"). TeaVM's runtime imports it only
// to load a .wasm file from disk under Node; in workerd the shim hands it a compiled module, so it is never
// called. Any use fails loudly rather than quietly.
const unavailable = () => {
  throw new Error("isr4j: node:fs/promises is not available in workerd");
};
export const open = unavailable;
export const readFile = unavailable;
export default { open, readFile };
