// A whole Medusa v1 storefront checkout through the real @medusajs/medusa-js 6.1.9 client, against the
// base URL in MEDUSA_BACKEND_URL (the local cloud; tests/e2e/test_medusa_js.py starts one and runs this).
//
// One line per step ("ok N name" or "FAIL N name: why"); the first failing step ends the run with exit
// code 1, so the failing step is always the last line. Plain Node (>= 18), no test framework.
//
// What the fixture gives is read from the environment (the pytest wrapper takes it from the demo
// fixture), with the demo tenant's values as defaults:
//   MEDUSA_BACKEND_URL   required, e.g. http://127.0.0.1:3000
//   MEDUSA_CURRENCY      the home region's currency (usd)
//   MEDUSA_OTHER_COUNTRY a country of a second region, to exercise a region change (de)
//   MEDUSA_DISCOUNT_CODE a regular discount valid in the home region (DEMO10)
//   MEDUSA_PUBLISHABLE_KEY optional x-publishable-api-key (Medusa does not require one)
import Medusa from "@medusajs/medusa-js";

const BASE = process.env.MEDUSA_BACKEND_URL;
if (!BASE) {
  console.log("FAIL 0 setup: MEDUSA_BACKEND_URL is not set");
  process.exit(2);
}
const CURRENCY = (process.env.MEDUSA_CURRENCY || "usd").toLowerCase();
const OTHER_COUNTRY = (process.env.MEDUSA_OTHER_COUNTRY || "de").toLowerCase();
const DISCOUNT = process.env.MEDUSA_DISCOUNT_CODE || "DEMO10";
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const EMAIL = `e2e-${RUN}@example.com`;
const PASSWORD = `pw-${RUN}-Secret!`;

// maxRetries 3 is what the Medusa Next.js starter uses: every POST then carries an Idempotency-Key and
// is retried on 409 / 5xx with the same key (medusa-v1.md §1.1).
const config = { baseUrl: BASE, maxRetries: 3 };
if (process.env.MEDUSA_PUBLISHABLE_KEY) config.publishableApiKey = process.env.MEDUSA_PUBLISHABLE_KEY;
const medusa = new Medusa(config);

// A stuck server must not hang the test run: the wrapper reads the last line to name the step.
let current = "setup";
let counter = 0;
setTimeout(() => {
  console.log(`FAIL ${counter} ${current}: no answer within 120 s`);
  process.exit(1);
}, 120_000).unref();

class StepError extends Error {}

function check(condition, message, detail) {
  if (!condition) {
    const shown = detail === undefined ? "" : `: ${JSON.stringify(detail).slice(0, 600)}`;
    throw new StepError(`${message}${shown}`);
  }
}

function describe(error) {
  if (error instanceof StepError) return error.message;
  if (error && error.response) {
    const { status, data } = error.response;
    const body = typeof data === "string" ? data : JSON.stringify(data);
    return `unexpected HTTP ${status} ${String(body).slice(0, 600)}`;
  }
  return error && error.stack ? error.stack.split("\n").slice(0, 3).join(" | ") : String(error);
}

async function step(name, fn) {
  counter += 1;
  current = name;
  let note;
  try {
    note = await fn();
  } catch (error) {
    console.log(`FAIL ${counter} ${name}: ${describe(error)}`);
    process.exit(1);
  }
  console.log(`ok ${counter} ${name}${note ? ` (${note})` : ""}`);
}

// The call must be refused with this status; `inspect` checks the body. Answers the axios response.
async function refused(promise, status, inspect) {
  let response;
  try {
    const ok = await promise;
    response = ok.response;
  } catch (error) {
    if (!error.response) throw error;
    check(error.response.status === status, `expected HTTP ${status}, got ${error.response.status}`, error.response.data);
    if (inspect) inspect(error.response.data, error.response);
    return error.response;
  }
  check(false, `expected HTTP ${status}, got ${response.status}`);
}

// The shape of every Medusa error body: {type, message, code?} and nothing else (medusa-v1.md §0.1).
function medusaError(type, messagePart) {
  return (data) => {
    check(data && typeof data === "object", "the error body is not JSON", data);
    const extra = Object.keys(data).filter((k) => !["type", "message", "code"].includes(k));
    check(extra.length === 0, `the error body has keys Medusa does not send (${extra})`, data);
    check(data.type === type, `expected type ${type}`, data);
    check(typeof data.message === "string", "message is not a string", data);
    if (messagePart) check(data.message.includes(messagePart), `message should contain "${messagePart}"`, data);
  };
}

// Node's axios keeps no cookies: read connect.sid from Set-Cookie and send it back as a Cookie header,
// as a server-rendered storefront does (medusa-v1.md §1.3, §7).
function sessionCookie(response) {
  const raw = response.headers["set-cookie"] || [];
  const found = (Array.isArray(raw) ? raw : [raw]).map((c) => c.split(";")[0]).find((c) => c.startsWith("connect.sid="));
  check(found, "no connect.sid in Set-Cookie", response.headers["set-cookie"]);
  return { Cookie: found };
}

// Medusa's total formula (medusa-v1.md §3.3); the face must agree with itself to the minor unit.
function checkTotals(cart) {
  for (const key of ["subtotal", "discount_total", "shipping_total", "tax_total", "total"]) {
    check(Number.isInteger(cart[key]), `cart.${key} is not an integer in minor units`, cart[key]);
  }
  const gift = (cart.gift_card_total || 0) + (cart.gift_card_tax_total || 0);
  const expected = cart.subtotal + cart.shipping_total + cart.tax_total - cart.discount_total - gift;
  check(cart.total === expected, `total ${cart.total} != subtotal + shipping + tax - discount - gift cards = ${expected}`);
  check(cart.tax_total === (cart.item_tax_total || 0) + (cart.shipping_tax_total || 0), "tax_total != item + shipping tax");
  const sub = (cart.items || []).reduce((sum, item) => sum + item.unit_price * item.quantity, 0);
  check(cart.subtotal === sub, `subtotal ${cart.subtotal} != Σ unit_price × quantity ${sub}`);
}

function priceIn(variant, currency) {
  if (Number.isInteger(variant.calculated_price)) return variant.calculated_price;
  const price = (variant.prices || []).find((p) => p.currency_code === currency && !p.region_id);
  return price ? price.amount : undefined;
}

const state = {};

await step("regions.list: a home region and a second one", async () => {
  const { regions } = await medusa.regions.list();
  check(Array.isArray(regions) && regions.length >= 2, "expected at least two regions", regions);
  state.home = regions.find((r) => r.currency_code === CURRENCY);
  state.other = regions.find((r) => (r.countries || []).some((c) => c.iso_2 === OTHER_COUNTRY));
  check(state.home, `no region in ${CURRENCY}`, regions.map((r) => [r.id, r.currency_code]));
  check(state.other && state.other.id !== state.home.id, `no other region with country ${OTHER_COUNTRY}`);
  check(state.home.id.startsWith("reg_"), "region ids are reg_…", state.home.id);
  return `${state.home.id} ${CURRENCY}, ${state.other.id} ${state.other.currency_code}`;
});

await step("regions.retrieve", async () => {
  const { region } = await medusa.regions.retrieve(state.home.id);
  check(region.id === state.home.id, "another region came back", region.id);
  check(Array.isArray(region.countries) && region.countries.length >= 1, "region.countries", region.countries);
  check(Array.isArray(region.payment_providers) && region.payment_providers.length >= 1, "region.payment_providers");
  state.home = region;
});

await step("products.list and retrieve: variants priced in the region", async () => {
  const { products } = await medusa.products.list({ region_id: state.home.id });
  check(Array.isArray(products) && products.length >= 1, "no products", products);
  // Lines the discount applies to and that cannot run out during the flow.
  const priced = [];
  for (const product of products) {
    if (product.is_giftcard || product.discountable === false) continue;
    for (const variant of product.variants || []) {
      const price = priceIn(variant, CURRENCY);
      const scarce = variant.manage_inventory && !variant.allow_backorder && variant.inventory_quantity < 10;
      if (Number.isInteger(price) && price > 0 && !scarce) priced.push({ product, variant, price });
    }
  }
  check(priced.length >= 2, "need two variants with a price in the home region", priced.length);
  [state.first, state.second] = priced;
  const { product } = await medusa.products.retrieve(state.first.product.id);
  check(product.id === state.first.product.id, "products.retrieve answered another product", product.id);
  check(product.variants.some((v) => v.id === state.first.variant.id), "the variant is missing from retrieve");
  return `${state.first.variant.id} at ${state.first.price}, ${state.second.variant.id} at ${state.second.price}`;
});

await step("auth.exists before registering: false", async () => {
  const { exists } = await medusa.auth.exists(EMAIL);
  check(exists === false, "exists should be false", exists);
});

await step("customers.create registers and logs in (connect.sid)", async () => {
  const res = await medusa.customers.create({ email: EMAIL, password: PASSWORD, first_name: "Erin", last_name: "E2E" });
  check(res.customer.id.startsWith("cus_"), "customer id is cus_…", res.customer.id);
  check(res.customer.email === EMAIL && res.customer.has_account === true, "email / has_account", res.customer);
  check(!("password_hash" in res.customer) && !("password" in res.customer), "the password hash leaked");
  sessionCookie(res.response);
  state.customer = res.customer;
});

await step("customers.create with the same email: 422 duplicate_error", async () => {
  await refused(medusa.customers.create({ email: EMAIL, password: PASSWORD }), 422, medusaError("duplicate_error"));
});

await step("auth.exists after registering: true", async () => {
  const { exists } = await medusa.auth.exists(EMAIL);
  check(exists === true, "exists should be true", exists);
});

await step("auth.authenticate with a wrong password: 401 plain text Unauthorized", async () => {
  await refused(medusa.auth.authenticate({ email: EMAIL, password: "not-the-password" }), 401, (data) => {
    check(data === "Unauthorized", "the body should be the text Unauthorized", data);
  });
});

await step("auth.authenticate (cookie session)", async () => {
  const res = await medusa.auth.authenticate({ email: EMAIL.toUpperCase(), password: PASSWORD });
  check(res.customer.id === state.customer.id, "another customer logged in", res.customer.id);
  check(Array.isArray(res.customer.shipping_addresses), "customer.shipping_addresses is an array", res.customer);
  state.cookie = sessionCookie(res.response);
});

await step("auth.getSession with the cookie", async () => {
  const { customer } = await medusa.auth.getSession(state.cookie);
  check(customer.id === state.customer.id, "the session is another customer's", customer.id);
});

await step("auth.getSession without the cookie: 401", async () => {
  await refused(medusa.auth.getSession(), 401);
});

await step("customers.retrieve (me) with the cookie", async () => {
  const { customer } = await medusa.customers.retrieve(state.cookie);
  check(customer.id === state.customer.id && customer.email === EMAIL, "customers/me", customer);
});

await step("carts.create in the home region: the cart is the customer's", async () => {
  const { cart } = await medusa.carts.create({ region_id: state.home.id }, state.cookie);
  check(cart.id.startsWith("cart_"), "cart ids are cart_…", cart.id);
  check(cart.region_id === state.home.id && cart.region && cart.region.id === state.home.id, "region", cart.region_id);
  check(cart.customer_id === state.customer.id && cart.email === EMAIL, "customer_id / email from the session", cart);
  check(Array.isArray(cart.items) && cart.items.length === 0 && cart.total === 0, "a new cart is empty", cart.items);
  state.cart = cart;
});

await step("carts.retrieve an unknown cart: 404 not_found", async () => {
  await refused(medusa.carts.retrieve("cart_01HZZZZZZZZZZZZZZZZZZZZZZZ"), 404, medusaError("not_found", "was not found"));
});

await step("lineItems.create", async () => {
  const { cart } = await medusa.carts.lineItems.create(state.cart.id, { variant_id: state.first.variant.id, quantity: 2 }, state.cookie);
  check(cart.items.length === 1, "one line", cart.items);
  const [item] = cart.items;
  check(item.id.startsWith("item_") && item.variant_id === state.first.variant.id && item.quantity === 2, "the line", item);
  check(item.unit_price === state.first.price, `unit_price ${item.unit_price} != ${state.first.price}`);
  check(item.variant && item.variant.id === item.variant_id, "items[].variant is loaded", item.variant);
  checkTotals(cart);
  state.cart = cart;
  return `subtotal ${cart.subtotal}, total ${cart.total}`;
});

await step("lineItems.create with an unknown property: 400 invalid_data", async () => {
  const body = { variant_id: state.first.variant.id, quantity: 1, colour: "red" };
  await refused(medusa.carts.lineItems.create(state.cart.id, body, state.cookie), 400,
    medusaError("invalid_data", "property colour should not exist"));
});

await step("lineItems.create the same variant merges into its line", async () => {
  const { cart } = await medusa.carts.lineItems.create(state.cart.id, { variant_id: state.first.variant.id, quantity: 1 }, state.cookie);
  check(cart.items.length === 1 && cart.items[0].quantity === 3, "2 + 1 on one line", cart.items);
  state.cart = cart;
});

await step("lineItems.create replayed with the server's Idempotency-Key adds nothing", async () => {
  const path = `/store/carts/${state.cart.id}/line-items`;
  const body = { variant_id: state.second.variant.id, quantity: 1 };
  const first = await medusa.client.request("POST", path, body, {}, state.cookie);
  const key = first.response.headers["idempotency-key"];
  check(key, "no Idempotency-Key response header", first.response.headers);
  const again = await medusa.client.request("POST", path, body, {}, { ...state.cookie, "Idempotency-Key": key });
  check(again.cart.items.length === 2, "the replay added a line", again.cart.items.map((i) => [i.variant_id, i.quantity]));
  check(JSON.stringify(again.cart.items.map((i) => i.quantity).sort()) === JSON.stringify(first.cart.items.map((i) => i.quantity).sort()),
    "the replay answered another cart");
  state.cart = first.cart;
});

await step("lineItems.update", async () => {
  const line = state.cart.items.find((i) => i.variant_id === state.first.variant.id);
  const { cart } = await medusa.carts.lineItems.update(state.cart.id, line.id, { quantity: 1 }, state.cookie);
  check(cart.items.find((i) => i.id === line.id).quantity === 1, "quantity 1", cart.items);
  checkTotals(cart);
  state.cart = cart;
});

await step("lineItems.delete", async () => {
  const line = state.cart.items.find((i) => i.variant_id === state.second.variant.id);
  const { cart } = await medusa.carts.lineItems.delete(state.cart.id, line.id, state.cookie);
  check(cart.items.length === 1 && cart.items[0].variant_id === state.first.variant.id, "one line left", cart.items);
  state.cart = cart;
});

await step("carts.update addresses", async () => {
  const country = state.home.countries[0].iso_2;
  const address = { first_name: "Erin", last_name: "E2E", address_1: "1 Main Street", city: "Springfield", country_code: country, postal_code: "12345" };
  const { cart } = await medusa.carts.update(state.cart.id, { shipping_address: address, billing_address: address }, state.cookie);
  for (const key of ["shipping_address", "billing_address"]) {
    check(cart[key] && cart[key].id.startsWith("addr_"), `${key} is an addr_…`, cart[key]);
    check(cart[key].address_1 === "1 Main Street" && cart[key].country_code === country, key, cart[key]);
  }
  state.cart = cart;
});

await step("carts.update with an unknown discount code: 404 not_found", async () => {
  await refused(medusa.carts.update(state.cart.id, { discounts: [{ code: "NO-SUCH-CODE" }] }, state.cookie), 404,
    medusaError("not_found"));
});

await step(`carts.update discount ${DISCOUNT}`, async () => {
  const { cart } = await medusa.carts.update(state.cart.id, { discounts: [{ code: DISCOUNT }] }, state.cookie);
  check(cart.discounts.length === 1 && cart.discounts[0].code === DISCOUNT.toUpperCase(), "cart.discounts", cart.discounts);
  check(cart.discounts[0].rule && cart.discounts[0].rule.type, "discounts[].rule is loaded", cart.discounts[0]);
  check(cart.discount_total > 0, "discount_total > 0", cart.discount_total);
  check(cart.items[0].adjustments.length === 1 && cart.items[0].adjustments[0].description === "discount",
    "one line-item adjustment", cart.items[0].adjustments);
  checkTotals(cart);
  state.cart = cart;
  return `discount_total ${cart.discount_total}`;
});

await step("shippingOptions.listCartOptions and carts.addShippingMethod", async () => {
  const { shipping_options: options } = await medusa.shippingOptions.listCartOptions(state.cart.id, state.cookie);
  check(Array.isArray(options) && options.length >= 1, "no shipping option for the cart", options);
  const option = options.find((o) => !o.is_return) || options[0];
  check(option.id.startsWith("so_"), "shipping option ids are so_…", option.id);
  const { cart } = await medusa.carts.addShippingMethod(state.cart.id, { option_id: option.id }, state.cookie);
  check(cart.shipping_methods.length === 1, "one shipping method", cart.shipping_methods);
  const [method] = cart.shipping_methods;
  check(method.shipping_option_id === option.id && method.shipping_option && method.shipping_option.id === option.id, "the method", method);
  check(cart.shipping_total === method.price, `shipping_total ${cart.shipping_total} != price ${method.price}`);
  checkTotals(cart);
  state.cart = cart;
  return `${option.id} at ${method.price}`;
});

await step("POST /taxes (no medusa-js method: client.request)", async () => {
  const { cart } = await medusa.client.request("POST", `/store/carts/${state.cart.id}/taxes`, {}, {}, state.cookie);
  check(cart.id === state.cart.id, "another cart", cart.id);
  check(cart.items.every((i) => Array.isArray(i.tax_lines)), "items[].tax_lines", cart.items);
  checkTotals(cart);
  state.taxed = cart;
  return `tax_total ${cart.tax_total}, total ${cart.total}`;
});

await step("carts.createPaymentSessions: {cart, data}", async () => {
  const res = await medusa.carts.createPaymentSessions(state.cart.id, state.cookie);
  check(res.cart && res.data && res.data.id === res.cart.id, "the body is {cart, data: same cart}", Object.keys(res));
  check(res.cart.payment_sessions.length >= 1, "at least one payment session", res.cart.payment_sessions);
  for (const session of res.cart.payment_sessions) {
    check(session.id.startsWith("ps_") && session.amount === res.cart.total, "session id / amount = total", session);
  }
  state.provider = res.cart.payment_sessions[0].provider_id;
  state.cart = res.cart;
  return `provider ${state.provider}`;
});

await step("carts.setPaymentSession", async () => {
  const { cart } = await medusa.carts.setPaymentSession(state.cart.id, { provider_id: state.provider }, state.cookie);
  check(cart.payment_session && cart.payment_session.provider_id === state.provider, "payment_session", cart.payment_session);
  check(cart.payment_session.is_selected === true, "is_selected", cart.payment_session);
  state.session = cart.payment_session;
});

await step("carts.refreshPaymentSession un-selects it (as Medusa 1.20.10 does)", async () => {
  const { cart } = await medusa.carts.refreshPaymentSession(state.cart.id, state.provider, state.cookie);
  check(!cart.payment_session, "payment_session should be gone after a refresh", cart.payment_session);
  // Medusa recreates it (a new id); a storefront only needs it there and unselected.
  const fresh = cart.payment_sessions.find((s) => s.provider_id === state.provider);
  check(fresh && !fresh.is_selected, "the provider's session, unselected", cart.payment_sessions);
  return fresh.id === state.session.id ? "same session id, Medusa makes a new one" : "a new session id";
});

await step("carts.complete without a selected session: 400 not_allowed", async () => {
  await refused(medusa.carts.complete(state.cart.id, state.cookie), 400,
    medusaError("not_allowed", "You cannot complete a cart without a payment session."));
});

await step("carts.setPaymentSession again", async () => {
  const { cart } = await medusa.carts.setPaymentSession(state.cart.id, { provider_id: state.provider }, state.cookie);
  check(cart.payment_session && cart.payment_session.is_selected === true, "selected", cart.payment_session);
  checkTotals(cart);
  state.cart = cart;
});

await step("carts.complete places the order", async () => {
  const res = await medusa.carts.complete(state.cart.id, state.cookie);
  check(res.type === "order", `type should be order, got ${res.type}`, res);
  const order = res.data;
  check(order.id.startsWith("order_") && order.cart_id === state.cart.id, "the order", order);
  check(order.total === state.taxed.total, `order total ${order.total} != taxed cart total ${state.taxed.total}`);
  check(order.items.length === 1 && Array.isArray(order.payments) && order.shipping_address, "order relations", order);
  state.order = order;
  return `${order.id}, total ${order.total}`;
});

await step("carts.complete again answers the same order", async () => {
  const res = await medusa.carts.complete(state.cart.id, state.cookie);
  check(res.type === "order" && res.data.id === state.order.id, "the same order", res.data && res.data.id);
});

await step("lineItems.create on a completed cart is refused with a Medusa error", async () => {
  const body = { variant_id: state.first.variant.id, quantity: 1 };
  let refusedWith;
  try {
    await medusa.carts.lineItems.create(state.cart.id, body, state.cookie);
  } catch (error) {
    if (!error.response) throw error;
    refusedWith = error.response;
  }
  check(refusedWith && refusedWith.status >= 400 && refusedWith.status < 500, "a 4xx", refusedWith && refusedWith.status);
  medusaError(refusedWith.data.type)(refusedWith.data);
});

await step("orders.retrieve", async () => {
  // The session's cookie goes with it, as a browser storefront sends it on every call.
  const { order } = await medusa.orders.retrieve(state.order.id, state.cookie);
  check(order.id === state.order.id && order.total === state.order.total, "the order", order);
});

await step("customers.listOrders has the order", async () => {
  const { orders } = await medusa.customers.listOrders({}, state.cookie);
  check(orders.some((o) => o.id === state.order.id), "the order is not in customers/me/orders", orders.map((o) => o.id));
});

await step("auth.deleteSession ends the cookie session", async () => {
  await medusa.auth.deleteSession(state.cookie);
  await refused(medusa.auth.getSession(state.cookie), 401);
});

await step("auth.getToken: a JWT the client then sends as Bearer", async () => {
  const { access_token: token } = await medusa.auth.getToken({ email: EMAIL, password: PASSWORD });
  check(typeof token === "string" && token.split(".").length === 3, "access_token is a JWT", token);
  const { customer } = await medusa.auth.getSession(); // no cookie: medusa-js 6.1.9 adds the Bearer itself
  check(customer.id === state.customer.id, "the token is another customer's", customer.id);
});

await step("carts under the token: the customer's email wins over the body's", async () => {
  const { cart } = await medusa.carts.create({ region_id: state.home.id });
  check(cart.customer_id === state.customer.id, "the cart belongs to the token's customer", cart.customer_id);
  const updated = await medusa.carts.update(cart.id, { email: `other-${RUN}@example.com` });
  check(updated.cart.email === EMAIL, "the email stays the customer's", updated.cart.email);
  state.second_cart = updated.cart;
});

await step("carts.update region to the second region", async () => {
  const id = state.second_cart.id;
  await medusa.carts.lineItems.create(id, { variant_id: state.first.variant.id, quantity: 1 });
  const { cart } = await medusa.carts.update(id, { region_id: state.other.id });
  check(cart.region_id === state.other.id && cart.region.currency_code === state.other.currency_code, "region", cart.region);
  check(cart.shipping_methods.length === 0 && cart.payment_sessions.length === 0, "methods and sessions dropped", cart);
  checkTotals(cart);
  return `${cart.items.length} line(s) re-priced in ${cart.region.currency_code}`;
});

// The customer's own area, under the token (medusa-js sends the Bearer itself since auth.getToken).
await step("customers.update names and metadata", async () => {
  const { customer } = await medusa.customers.update({ first_name: "Erina", metadata: { newsletter: true } });
  check(customer.first_name === "Erina" && customer.metadata.newsletter === true, "the change", customer);
  check(Array.isArray(customer.shipping_addresses) && "billing_address" in customer, "relations", customer);
});

await step("customers.addresses.addAddress, updateAddress", async () => {
  const address = { first_name: "Erin", last_name: "E2E", address_1: "1 Main St", city: "Springfield",
    country_code: "US", postal_code: "10001" };
  const added = await medusa.customers.addresses.addAddress({ address });
  check(added.customer.shipping_addresses.length === 1, "one address", added.customer.shipping_addresses);
  const saved = added.customer.shipping_addresses[0];
  check(saved.id.startsWith("addr_") && saved.country_code === "us", "Medusa's address", saved);
  const { customer } = await medusa.customers.addresses.updateAddress(saved.id, { city: "Shelbyville" });
  check(customer.shipping_addresses[0].city === "Shelbyville", "the city changed", customer.shipping_addresses);
  state.address = saved;
});

await step("customers.update billing_address by id, then addresses.deleteAddress", async () => {
  const billed = await medusa.customers.update({ billing_address: state.address.id });
  check(billed.customer.billing_address_id === state.address.id, "billing address chosen", billed.customer);
  const { customer } = await medusa.customers.addresses.deleteAddress(state.address.id);
  check(customer.shipping_addresses.length === 0, "the address is gone", customer.shipping_addresses);
});

await step("customers.paymentMethods.list: none saved", async () => {
  const { payment_methods: methods } = await medusa.customers.paymentMethods.list();
  check(Array.isArray(methods) && methods.length === 0, "no saved methods", methods);
});

await step("customers.listOrders with Medusa's filters (qs arrays)", async () => {
  const kept = await medusa.customers.listOrders({ status: [state.order.status], limit: 5 });
  check(kept.orders.some((o) => o.id === state.order.id), "the order matches its status", kept);
  const none = await medusa.customers.listOrders({ status: ["archived"] });
  check(none.count === 0 && none.orders.length === 0, "no archived order", none);
  await refused(medusa.customers.listOrders({ status: ["lost"] }), 400, medusaError("invalid_data", "status"));
});

await step("customers.generatePasswordToken: 204 for any e-mail", async () => {
  const known = await medusa.customers.generatePasswordToken({ email: EMAIL });
  const unknown = await medusa.customers.generatePasswordToken({ email: `nobody-${RUN}@example.com` });
  check(known.response.status === 204 && unknown.response.status === 204, "both 204", [known.response.status]);
});

await step("customers.resetPassword with a wrong token: 401 unauthorized", async () => {
  const payload = { email: EMAIL, token: "not-the-token", password: "whatever" };
  await refused(medusa.customers.resetPassword(payload), 401, medusaError("unauthorized", "reset token"));
});

// A client without retries sends no Idempotency-Key of its own (medusa-v1.md §1.1).
const plain = new Medusa({ ...config, maxRetries: 0 });

await step("lineItems.create without a key: the server mints one, and it replays", async () => {
  const { cart: made } = await plain.carts.create({ region_id: state.home.id });
  const path = `/store/carts/${made.id}/line-items`;
  const body = { variant_id: state.first.variant.id, quantity: 1 };
  const first = await plain.client.request("POST", path, body);
  const key = first.response.headers["idempotency-key"];
  check(/^[0-9a-f-]{36}$/.test(key || ""), "no minted Idempotency-Key response header", first.response.headers);
  check(/idempotency-key/i.test(first.response.headers["access-control-expose-headers"] || ""), "key not exposed");
  const again = await plain.client.request("POST", path, body, {}, { "Idempotency-Key": key });
  check(again.cart.items.length === 1 && again.cart.items[0].quantity === 1, "the replay added again", again.cart.items);
  return `minted ${key}`;
});

await step("a region with automatic_taxes false: no tax until payment sessions force it", async () => {
  const { regions } = await plain.regions.list();
  const manual = regions.find((r) => r.automatic_taxes === false);
  check(manual, "no region with automatic_taxes false", regions.map((r) => [r.id, r.automatic_taxes]));
  const { cart: made } = await plain.carts.create({ region_id: manual.id });
  const { cart } = await plain.carts.lineItems.create(made.id, { variant_id: state.first.variant.id, quantity: 1 });
  check(cart.tax_total === 0 && cart.total === cart.subtotal, "taxed before checkout", cart);
  const { cart: paying } = await plain.carts.createPaymentSessions(made.id);
  check(paying.tax_total > 0 && paying.total === paying.subtotal + paying.tax_total, "sessions' cart untaxed", paying);
  check(paying.payment_sessions.every((s) => s.amount === paying.total), "a session not for the taxed total", paying.payment_sessions);
  const { cart: read } = await plain.carts.retrieve(made.id);
  check(read.tax_total === 0, "a read after the sessions shows tax", read.tax_total);
  return `tax ${paying.tax_total} on ${paying.subtotal} ${manual.currency_code}`;
});

console.log(`ok: the whole checkout passed (${counter} steps)`);
