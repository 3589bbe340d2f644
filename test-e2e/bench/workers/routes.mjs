// The benchmark's routes for the JS workers, mirroring isr4j's fixture app (FixtureApp.java):
// GET /api/products/{id} (revalidate 3600), /api/prices/{id} (revalidate 1), /api/large (revalidate 60).
// Same JSON shape, same 1 MiB body, same content types.

export const LARGE_SIZE = 1 << 20;

/** One year: isr4j's default expire, used for the stale-while-revalidate window in Cache-Control. */
export const EXPIRE_SECONDS = 31536000;

const encoder = new TextEncoder();

export function product(id) {
  return {
    id,
    sku: "CUP-ESP-090-SW",
    name: "Espresso cup, stoneware, 90 ml",
    price: { amount: 1450, currency: "EUR" },
    stock: 42,
    tags: ["kitchen", "ceramics", "coffee"],
    updatedAt: Date.now(),
  };
}

/** Byte i is (i * 31 + 7) & 0xff, as in FixtureApp.large(). */
export function large() {
  const bytes = new Uint8Array(LARGE_SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function json(value) {
  return { status: 200, headers: { "content-type": "application/json" }, body: encoder.encode(JSON.stringify(value)).buffer };
}

/**
 * The route for a pathname, or null.
 * @returns {{path: string, revalidate: number, tags: string[], render: () => {status: number, headers: Record<string, string>, body: ArrayBuffer}} | null}
 */
export function matchRoute(pathname) {
  const path = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  if (path === "/api/large") {
    return {
      path,
      revalidate: 60,
      tags: [],
      render: () => ({ status: 200, headers: { "content-type": "application/octet-stream" }, body: large().buffer }),
    };
  }
  const m = /^\/api\/(products|prices)\/([^/]+)$/.exec(path);
  if (m === null) return null;
  const id = decodeURIComponent(m[2]);
  return {
    path,
    revalidate: m[1] === "products" ? 3600 : 1,
    tags: [m[1]],
    render: () => json(product(id)),
  };
}
