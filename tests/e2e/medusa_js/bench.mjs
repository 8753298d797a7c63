// make bench's Medusa hot calls (bench/medusa_http.py runs this): carts.retrieve, lineItems.create and
// lineItems.update through the real @medusajs/medusa-js 6.1.9 client, as the peer figures in
// medusa-v1.md §6 were taken. MEDUSA_BACKEND_URL: the local cloud; MEDUSA_BENCH_CALLS: sequential
// calls per method (30). One JSON line per call: {"call", "ms": [...]} or {"call", "error"}.
import { performance } from "node:perf_hooks";
import Medusa from "@medusajs/medusa-js";

const calls = Number(process.env.MEDUSA_BENCH_CALLS || 30);
const currency = (process.env.MEDUSA_CURRENCY || "usd").toLowerCase();
const medusa = new Medusa({ baseUrl: process.env.MEDUSA_BACKEND_URL, maxRetries: 0 });
const NAMES = ["carts.retrieve", "lineItems.create", "lineItems.update"];

function why(error) {
  if (error && error.response) {
    const body = typeof error.response.data === "string" ? error.response.data : JSON.stringify(error.response.data);
    return `HTTP ${error.response.status} ${String(body).slice(0, 160)}`;
  }
  return String(error && error.message ? error.message : error);
}

function emit(call, result) {
  console.log(JSON.stringify({ call, ...result }));
}

// A call is timed only once its untimed warm-up answered 2xx; the first failure ends its series.
async function series(call, fn) {
  try {
    await fn(-1);
    const ms = [];
    for (let i = 0; i < calls; i += 1) {
      const start = performance.now();
      await fn(i);
      ms.push(performance.now() - start);
    }
    emit(call, { ms });
  } catch (error) {
    emit(call, { error: why(error) });
  }
}

let cart;
let variant;
try {
  const { regions } = await medusa.regions.list();
  const region = regions.find((r) => r.currency_code === currency) || regions[0];
  const { products } = await medusa.products.list({ region_id: region.id });
  variant = products.flatMap((p) => p.variants || []).find((v) => Number.isInteger(v.calculated_price) || (v.prices || []).length);
  if (!variant) throw new Error("no priced variant in the first region");
  ({ cart } = await medusa.carts.create({ region_id: region.id }));
} catch (error) {
  for (const call of NAMES) emit(call, { error: `setup: ${why(error)}` });
  process.exit(0);
}

let line;
await series("lineItems.create", async () => {
  const res = await medusa.carts.lineItems.create(cart.id, { variant_id: variant.id, quantity: 1 });
  line = res.cart.items.find((i) => i.variant_id === variant.id);
});
await series("lineItems.update", async (i) => {
  if (!line) throw new Error("no line (lineItems.create failed)");
  await medusa.carts.lineItems.update(cart.id, line.id, { quantity: (i & 1) + 1 });
});
await series("carts.retrieve", async () => {
  await medusa.carts.retrieve(cart.id);
});
