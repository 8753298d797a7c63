"""What Medusa 1.20.10 answers beyond the totals (issue #10, review findings): the error messages
that name a record by its wire id, the relations each route loads (the cart's ``customer``, a line's
variant and product with their stock and thumbnail), payment sessions at a zero total, a pending
authorization, ``expand``/``fields``, the sales channel, and who keeps a guest's cart.
(medusa-v1.md §3.1, §3.2; Medusa's v1.x routes where the reference is silent.)"""

from __future__ import annotations

from typing import Any

from tests.conftest import InProcessApi
from tests.integration.test_medusa_auth import cookie_of, medusa, register
from tests.integration.test_medusa_conformance import seed_discount


def _cart(api: InProcessApi, headers: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
    response = medusa(api, "POST", "/carts", body, headers)
    assert response.status == 200, response.text
    return response.json()["cart"]


# ----- errors name the record by its wire id -------------------------------------------------------


def test_a_cart_out_of_reach_is_not_found_by_its_wire_id_not_its_stored_key(api: InProcessApi) -> None:
    # Given a signed-in customer's cart
    signed_in = {"Cookie": cookie_of(register(api, email="keeper@example.com"))}
    cart = _cart(api, signed_in)
    # When a guest reads it
    response = medusa(api, "GET", f"/carts/{cart['id']}")
    # Then it is Medusa's 404, naming the id the guest sent (the stored key never shows)
    assert response.status == 404
    assert response.json() == {"type": "not_found", "message": f"Cart with {cart['id']} was not found"}


# ----- payment sessions at a zero total ------------------------------------------------------------


def test_a_total_brought_to_zero_deletes_the_payment_sessions_and_they_stay_gone(api: InProcessApi) -> None:
    from cart_core.runtime import store
    from local.fixture import VARIANT_MUG

    seed_discount(store(), "ALLOFF", "percentage", 100)
    # Given a cart of one mug with its payment sessions open
    cart = _cart(api, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])
    cart_id = cart["id"]
    opened = medusa(api, "POST", f"/carts/{cart_id}/payment-sessions").json()["cart"]
    assert opened["payment_sessions"] and opened["total"] > 0
    # When a 100 % code is applied
    covered = medusa(api, "POST", f"/carts/{cart_id}", {"discounts": [{"code": "ALLOFF"}]}).json()["cart"]
    # Then the total is 0 and the sessions are deleted, as Medusa's setPaymentSessions does
    assert covered["total"] == 0
    assert covered["payment_sessions"] == [] and "payment_session" not in covered
    # And when the code is taken off again, the total is back but no session is re-opened (Medusa
    # re-sets only sessions a cart has): the storefront opens them again
    uncovered = medusa(api, "POST", f"/carts/{cart_id}", {"discounts": []}).json()["cart"]
    assert uncovered["total"] > 0 and uncovered["payment_sessions"] == []
    reopened = medusa(api, "POST", f"/carts/{cart_id}/payment-sessions").json()["cart"]
    assert [s["amount"] for s in reopened["payment_sessions"]] == [uncovered["total"]] * len(
        reopened["payment_sessions"]
    )
    assert reopened["payment_sessions"]


# ----- the cart's customer: loaded by line-item add and payment-sessions only ------------------------


def test_line_item_add_and_payment_sessions_load_the_carts_customer_and_other_routes_do_not(
    api: InProcessApi,
) -> None:
    from local.fixture import VARIANT_MUG

    # Given a signed-in customer's cart and a guest's cart
    signed_in = {"Cookie": cookie_of(register(api, email="relations@example.com"))}
    owned = _cart(api, signed_in)["id"]
    guest = _cart(api)["id"]
    line = {"variant_id": VARIANT_MUG, "quantity": 1}
    # When a line is added to each
    added = medusa(api, "POST", f"/carts/{owned}/line-items", line, signed_in).json()["cart"]
    added_by_guest = medusa(api, "POST", f"/carts/{guest}/line-items", line).json()["cart"]
    # Then the answer carries the customer's columns (no password hash), and null for a guest's
    assert added["customer"]["id"] == added["customer_id"]
    assert added["customer"]["email"] == "relations@example.com" and added["customer"]["has_account"] is True
    assert "password_hash" not in added["customer"]
    assert added_by_guest["customer"] is None
    # And payment-sessions carries it in both copies of the cart
    sessions = medusa(api, "POST", f"/carts/{owned}/payment-sessions", {}, signed_in).json()
    assert sessions["cart"]["customer"]["id"] == added["customer_id"] == sessions["data"]["customer"]["id"]
    # And the routes that load the default relations do not carry the key at all
    item_id = added["items"][0]["id"]
    for method, path, body in (
        ("GET", f"/carts/{owned}", None),
        ("POST", f"/carts/{owned}", {}),
        ("POST", f"/carts/{owned}/line-items/{item_id}", {"quantity": 2}),
        ("DELETE", f"/carts/{owned}/line-items/{item_id}", {}),
    ):
        answer = medusa(api, method, path, body, signed_in)
        assert answer.status == 200 and "customer" not in answer.json()["cart"], (method, path)


def test_a_guest_who_gave_an_email_sees_that_guest_customer_on_line_item_add(api: InProcessApi) -> None:
    from local.fixture import VARIANT_MUG

    # Given a guest cart with an email (a has_account=false customer)
    cart_id = _cart(api)["id"]
    medusa(api, "POST", f"/carts/{cart_id}", {"email": "walk-in@example.com"})
    # When a line is added
    cart = medusa(api, "POST", f"/carts/{cart_id}/line-items", {"variant_id": VARIANT_MUG, "quantity": 1}).json()
    # Then the customer is that guest customer
    customer = cart["cart"]["customer"]
    assert customer["email"] == "walk-in@example.com" and customer["has_account"] is False
    assert customer["id"] == cart["cart"]["customer_id"]


# ----- a line's variant and product: as the catalog holds them now ----------------------------------


def _seed_lamp(stock: int) -> tuple[str, str]:
    """A storefront product with a thumbnail and one variant keeping ``stock`` in inventory."""
    from decimal import Decimal

    from cart_core import admin
    from cart_core.runtime import store

    product_id, variant_id = "prod_01KBC0LAMP0000000000000000", "variant_01KBC0LAMP0000000000000000"
    spec = admin.VariantSpec(variant_id, "Brass", "LAMP-BRASS", {"USD": Decimal("40.00")}, {}, True, False, stock)
    admin.create_store_product(
        store(), "demo", product_id, "Desk Lamp", [spec],
        handle="desk-lamp", description="A lamp.", thumbnail="https://cdn.example.com/lamp.png",
    )  # fmt: skip
    return product_id, variant_id


def test_a_lines_variant_carries_todays_stock_and_its_product_the_thumbnail_and_handle(api: InProcessApi) -> None:
    product_id, variant_id = _seed_lamp(stock=7)
    # Given a cart with two lamps
    cart_id = _cart(api, items=[{"variant_id": variant_id, "quantity": 2}])["id"]
    # When it is read
    item = medusa(api, "GET", f"/carts/{cart_id}").json()["cart"]["items"][0]
    # Then the line is Medusa's generated one (product title, variant title, product thumbnail)
    assert (item["title"], item["description"]) == ("Desk Lamp", "Brass")
    assert item["thumbnail"] == "https://cdn.example.com/lamp.png"
    # And its variant has the stock figure and its product the columns a cart loads, with profiles
    variant = item["variant"]
    assert variant["inventory_quantity"] == 7 and variant["manage_inventory"] is True
    assert variant["sku"] == "LAMP-BRASS" and variant["product_id"] == product_id
    product = variant["product"]
    assert (product["handle"], product["thumbnail"], product["description"]) == (
        "desk-lamp",
        "https://cdn.example.com/lamp.png",
        "A lamp.",
    )
    assert product["profiles"] and "variants" not in product and "prices" not in variant
    # And when another shopper buys three of them
    other = _cart(api, items=[{"variant_id": variant_id, "quantity": 3}])["id"]
    medusa(api, "POST", f"/carts/{other}", {"email": "buyer@example.com"})
    medusa(api, "POST", f"/carts/{other}/payment-sessions")
    medusa(api, "POST", f"/carts/{other}/payment-session", {"provider_id": "manual"})
    assert medusa(api, "POST", f"/carts/{other}/complete").json()["type"] == "order"
    # Then the first cart shows the stock that is left
    after = medusa(api, "GET", f"/carts/{cart_id}").json()["cart"]["items"][0]["variant"]
    assert after["inventory_quantity"] == 4


# ----- a guest's cart that a signed-in customer reads ------------------------------------------------


def test_a_customer_who_reads_a_guests_cart_becomes_its_customer_and_the_guest_keeps_access(
    api: InProcessApi,
) -> None:
    from local.fixture import VARIANT_MUG

    # Given a guest's cart with a line
    cart_id = _cart(api, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])["id"]
    # When a signed-in customer reads it (Medusa sets the cart's customer and email)
    signed_in = {"Cookie": cookie_of(register(api, email="adopter@example.com"))}
    adopted = medusa(api, "GET", f"/carts/{cart_id}", None, signed_in).json()["cart"]
    assert adopted["email"] == "adopter@example.com" and adopted["customer_id"].startswith("cus_")
    # Then the guest still reads and edits it, mid-checkout, as in Medusa
    seen = medusa(api, "GET", f"/carts/{cart_id}")
    assert seen.status == 200 and seen.json()["cart"]["customer_id"] == adopted["customer_id"]
    added = medusa(api, "POST", f"/carts/{cart_id}/line-items", {"variant_id": VARIANT_MUG, "quantity": 1})
    assert added.status == 200 and added.json()["cart"]["items"][0]["quantity"] == 2
    # And an email the guest sends does not replace the account's (the cart's customer is the account)
    kept = medusa(api, "POST", f"/carts/{cart_id}", {"email": "someone-else@example.com"}).json()["cart"]
    assert kept["email"] == "adopter@example.com"
    # And the guest can complete it: the order is the customer's
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions")
    medusa(api, "POST", f"/carts/{cart_id}/payment-session", {"provider_id": "manual"})
    order = medusa(api, "POST", f"/carts/{cart_id}/complete").json()
    assert order["type"] == "order" and order["data"]["customer_id"] == adopted["customer_id"]
    mine = medusa(api, "GET", "/customers/me/orders", None, signed_in).json()["orders"]
    assert [o["cart_id"] for o in mine] == [cart_id]


def test_a_cart_a_customer_took_up_or_made_is_never_reached_by_another_customer(api: InProcessApi) -> None:
    # Given a guest's cart that customer A read (took up), and a cart A made signed in
    a = {"Cookie": cookie_of(register(api, email="a-owner@example.com"))}
    taken_up = _cart(api)["id"]
    assert medusa(api, "GET", f"/carts/{taken_up}", None, a).status == 200
    made = _cart(api, a)["id"]
    # When customer B names either cart, on a read or an edit
    b = {"Cookie": cookie_of(register(api, email="b-intruder@example.com"))}
    for cart_id in (taken_up, made):
        for method, path, body in (("GET", f"/carts/{cart_id}", None), ("POST", f"/carts/{cart_id}", {})):
            answer = medusa(api, method, path, body, b)
            # Then it is missing to B (Medusa's 404, by the id B sent) and stays A's
            assert answer.status == 404, (method, path, answer.text)
            assert answer.json()["message"] == f"Cart with {cart_id} was not found"
        assert medusa(api, "GET", f"/carts/{cart_id}", None, a).json()["cart"]["email"] == "a-owner@example.com"
    # And a guest still cannot reach the cart A made signed in (it was never a guest's)
    assert medusa(api, "GET", f"/carts/{made}").status == 404


# ----- an authorization left pending ------------------------------------------------------------------


def test_a_pending_authorization_answers_the_cart_and_a_later_complete_places_the_order(api: InProcessApi) -> None:
    from local.fixture import VARIANT_MUG

    # Given a cart paying by the test card with the token that leaves authorizations pending
    cart_id = _cart(api, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])["id"]
    medusa(api, "POST", f"/carts/{cart_id}", {"email": "pending@example.com"})
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions")
    medusa(api, "POST", f"/carts/{cart_id}/payment-session", {"provider_id": "test-card"})
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions/test-card", {"data": {"token": "tok_authPending"}})
    # When it is completed
    pending = medusa(api, "POST", f"/carts/{cart_id}/complete")
    # Then it is Medusa's 200 {type: "cart", payment_status, data: cart}: no order, the cart still open
    assert pending.status == 200, pending.text
    body = pending.json()
    assert (body["type"], body["payment_status"]) == ("cart", "pending")
    assert body["data"]["id"] == cart_id and body["data"]["completed_at"] is None
    assert body["data"]["payment_session"]["status"] == "pending" and body["data"]["payment"] is None
    assert medusa(api, "GET", f"/orders/order_{cart_id.removeprefix('cart_')}").status == 404
    # And once the shopper has confirmed (the processor's next token authorizes), completing again
    # places the order
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions/test-card", {"data": {"token": "tok_visa"}})
    placed = medusa(api, "POST", f"/carts/{cart_id}/complete").json()
    assert placed["type"] == "order" and placed["data"]["cart_id"] == cart_id
    assert placed["data"]["payment_status"] in ("awaiting", "captured")


# ----- ?fields= and ?expand=, and the sales channel ---------------------------------------------------

TOTALS = {
    "subtotal",
    "discount_total",
    "item_tax_total",
    "shipping_total",
    "shipping_tax_total",
    "tax_total",
    "gift_card_total",
    "gift_card_tax_total",
    "total",
}
ALWAYS = {"items", "gift_cards", "discounts", "shipping_methods", "shipping_address", "region", "object"}


def test_fields_narrows_a_carts_columns_keeping_its_id_its_relations_and_its_totals(api: InProcessApi) -> None:
    from local.fixture import VARIANT_MUG

    # Given a cart with a line and an email
    cart_id = _cart(api, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])["id"]
    medusa(api, "POST", f"/carts/{cart_id}", {"email": "fields@example.com"})
    # When it is read with ?fields=email
    cart = medusa(api, "GET", f"/carts/{cart_id}?fields=email").json()["cart"]
    # Then the columns are id and email only; the default relations and every total are there
    assert cart["email"] == "fields@example.com" and cart["id"] == cart_id
    assert "region_id" not in cart and "created_at" not in cart and "context" not in cart
    assert cart.keys() >= TOTALS and {"items", "region", "payment_sessions", "sales_channel"} <= cart.keys()


def test_expand_loads_the_named_relations_beside_those_the_totals_need(api: InProcessApi) -> None:
    from local.fixture import VARIANT_MUG

    # Given a signed-in customer's cart with a line
    signed_in = {"Cookie": cookie_of(register(api, email="expand@example.com"))}
    cart_id = _cart(api, signed_in, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])["id"]
    # When it is read with ?expand=customer,region.countries
    cart = medusa(api, "GET", f"/carts/{cart_id}?expand=customer,region.countries", None, signed_in).json()["cart"]
    # Then the relations are those plus what the totals always load; the others are absent
    relations = {k for k, v in cart.items() if isinstance(v, dict | list) and k != "context"}
    assert relations == ALWAYS - {"object"} | {"customer"}
    assert cart["customer"]["email"] == "expand@example.com"
    assert "countries" in cart["region"] and "tax_rates" in cart["region"]
    assert "payment_providers" not in cart["region"]
    assert cart["items"][0]["variant"]["product"]["id"]  # the totals load items.variant.product
    # And the columns are all there (no ?fields=)
    assert cart["region_id"] and cart["created_at"] and cart.keys() >= TOTALS
    # And ?expand= (empty) keeps only what the totals load
    bare = medusa(api, "GET", f"/carts/{cart_id}?expand=", None, signed_in).json()["cart"]
    assert not {"payment_sessions", "billing_address", "payment", "sales_channel", "customer"} & bare.keys()


def test_an_unknown_field_or_relation_is_invalid_data_and_changes_nothing(api: InProcessApi) -> None:
    # Given a guest cart, and a signed-in customer who would take it up on a read
    cart_id = _cart(api)["id"]
    signed_in = {"Cookie": cookie_of(register(api, email="badquery@example.com"))}
    for query, names in (("fields=email,nope", "nope"), ("expand=items,secrets", "secrets"), ("fields=-x", "-x")):
        # When the customer reads it naming what a cart does not have
        answer = medusa(api, "GET", f"/carts/{cart_id}?{query}", None, signed_in)
        # Then it is Medusa's invalid_data naming them, and the cart was not taken up
        assert answer.status == 400, answer.text
        assert answer.json() == {"type": "invalid_data", "message": f"Requested fields [{names}] are not valid"}
    assert medusa(api, "GET", f"/carts/{cart_id}").json()["cart"]["customer_id"] is None


def test_an_order_and_a_product_honour_fields_and_expand(api: InProcessApi) -> None:
    from local.fixture import PROD_TEE, VARIANT_MUG

    # Given a placed order
    cart_id = _cart(api, items=[{"variant_id": VARIANT_MUG, "quantity": 1}])["id"]
    medusa(api, "POST", f"/carts/{cart_id}", {"email": "order-fields@example.com"})
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions")
    medusa(api, "POST", f"/carts/{cart_id}/payment-session", {"provider_id": "manual"})
    order_id = medusa(api, "POST", f"/carts/{cart_id}/complete").json()["data"]["id"]
    # When it is read with ?fields=email&expand=items
    order = medusa(api, "GET", f"/orders/{order_id}?fields=email&expand=items").json()["order"]
    # Then it has its id, email, items and totals, and nothing else of its columns or relations
    assert order["email"] == "order-fields@example.com" and order["items"] and "total" in order
    assert not {"region", "payments", "shipping_methods", "status", "display_id"} & order.keys()
    # And a product read with ?expand=variants keeps its variants only, and an unknown name is refused
    product = medusa(api, "GET", f"/products/{PROD_TEE}?expand=variants").json()["product"]
    assert product["variants"] and not {"options", "images", "tags", "profiles"} & product.keys()
    refused = medusa(api, "GET", f"/products/{PROD_TEE}?expand=warehouse")
    assert refused.status == 400 and refused.json()["message"] == "Requested fields [warehouse] are not valid"


def test_the_store_has_one_sales_channel_and_an_unknown_one_is_not_found(api: InProcessApi) -> None:
    # Given a cart made without a sales channel
    cart = _cart(api)
    # Then it is in the store's default channel, answered with the cart
    channel = cart["sales_channel"]
    assert cart["sales_channel_id"] == channel["id"] and channel["id"].startswith("sc_")
    assert (channel["name"], channel["is_disabled"]) == ("Default Sales Channel", False)
    # And naming that channel on create or update is accepted
    again = _cart(api, sales_channel_id=channel["id"])
    assert again["sales_channel_id"] == channel["id"]
    assert medusa(api, "POST", f"/carts/{cart['id']}", {"sales_channel_id": channel["id"]}).status == 200
    # And any other channel is Medusa's 404, on create and on update, with nothing made or changed
    for method, path in (("POST", "/carts"), ("POST", f"/carts/{cart['id']}")):
        answer = medusa(api, method, path, {"sales_channel_id": "sc_unknown"})
        assert answer.status == 404
        assert answer.json() == {"type": "not_found", "message": "Sales channel with id: sc_unknown was not found"}
