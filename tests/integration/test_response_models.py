"""Every answer of a face matches its committed OpenAPI document, success bodies included: the typed
response models (functions/<face>/responses.py) describe exactly what the mappings send.

The models are documentation only (cart_core.responses), so nothing at runtime keeps them true;
these tests do, over carts in every state a face shows (open, priced with a code and an address,
submitted, validated with an adjustment, paid, declined, canceled, rejected), and over the errors.
In-process, moto; the schemathesis pass asks the same question over HTTP with generated requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local.webhook_receiver import WebhookReceiver
from tests.conftest import BLAZE
from tests.harness.conformance import violations
from tests.integration.test_checkout_events import CART, submitted_cart, subscribe

ITEMS = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}}


@pytest.fixture
def answers(api) -> list[tuple[str, str, int, str]]:
    """Every (method, path, status, body) the api fixture is answered from here on."""
    seen: list[tuple[str, str, int, str]] = []
    request = api.request

    def recording(method: str, path: str, *args: Any, **kwargs: Any):
        response = request(method, path, *args, **kwargs)
        seen.append((method, path, response.status, response.text))
        return response

    api.request = recording
    return seen


def _nonconforming(answers: list[tuple[str, str, int, str]]) -> list[str]:
    return [problem for answer in answers for problem in violations(*answer)]


def test_blaze_answers_match_their_documented_schemas_in_every_state(api, answers) -> None:
    # Given carts in every state BLAZE shows
    guest = api.blaze("POST", "/prepare", {"sessionId": "s-1", **ITEMS}).json()
    api.blaze("GET", "/active?sessionId=s-1")
    address = {"address": "1 Main St", "city": "Springfield", "state": "IL", "zipCode": "62701", "country": "US"}
    api.blaze("POST", f"/updateCart/{guest['id']}", {"deliveryAddress": address, "memo": "Ring", "orderTags": ["vip"]})
    api.blaze("POST", f"/updateCart/{guest['id']}", {"pickupType": "Pickup"})
    api.blaze("GET", f"/public/{guest['publicKey']}")
    line = guest["cart"]["items"][0]["id"]
    api.blaze("POST", f"/item/{line}/finalize", {"id": guest["id"]})
    api.blaze("POST", f"/item/{line}/unfinalize", {"id": guest["id"]})
    api.blaze("POST", "/items/finalize", {"id": guest["id"]})
    api.blaze("POST", f"/{guest['id']}/setConsumerUser/bob?cuid=bob")
    api.blaze("POST", "/product/findCost", {"productId": "demo-edible", "quantity": 3})
    paid = submitted_cart(api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"})
    declined = submitted_cart(
        api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_captureDeclined"}
    )
    canceled = submitted_cart(api, "carol")
    api.blaze("DELETE", f"/cancelCart/{canceled}?cuid=carol")
    api.drain()
    cash = submitted_cart(api, body={"paymentOption": "Cash", "paymentReceived": 30})
    api.drain()
    # When each is read back, listed, and errors are provoked
    for cart_id in (paid, declined, cash):
        api.blaze("GET", f"/{cart_id}?cuid=alice")
    api.blaze("GET", f"/{canceled}?cuid=carol")
    api.blaze("GET", "/history?cuid=alice&start=0&limit=10")
    api.blaze("GET", "/history?cuid=nobody")
    api.blaze("GET", "/000000000000000000000000?cuid=alice")  # 404
    api.blaze("POST", "/prepare", {"cart": {"items": [{"productId": "demo-flower", "quantity": 0}]}})  # 400
    api.blaze("POST", "/prepare", raw="{", headers={"Content-Type": "text/plain"})  # 415
    api.blaze("POST", f"/updateCart/{paid}?cuid=alice", ITEMS)  # 409: submitted
    api.blaze("GET", "/history")  # 401: no consumer
    # Then every answer, success or error, matches the schema its operation documents for its status
    assert {status for _, _, status, _ in answers} >= {200, 400, 401, 404, 409, 415}
    assert not _nonconforming(answers), "\n".join(_nonconforming(answers))


@pytest.fixture
def pos(api) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(status=204)
    yield receiver
    receiver.close()


def test_loke_answers_match_their_documented_schemas(api, answers, pos) -> None:
    # Given a POS subscribed, and carts it accepts (with an adjustment), rejects, and never answers
    subscribe(api, pos.url)
    accepted, rejected = submitted_cart(api), submitted_cart(api)
    api.drain()
    api.loke("GET", f"{CART}/{accepted}")  # PENDING
    adjustment = {"adjustments": [{"id": "DISC1", "label": "Loyalty", "amount": -100, "taxIncluded": -8}]}
    api.loke("PUT", f"{CART}/{accepted}/valid", adjustment)
    api.loke("PUT", f"{CART}/{rejected}/invalid")
    api.drain()
    # When they are read back, the subscriptions listed, and errors provoked
    api.loke("GET", f"{CART}/{accepted}")
    api.loke("GET", f"{CART}/{rejected}")
    api.loke("GET", "/organizations/demo/webhooks")
    api.loke("PUT", f"{CART}/{accepted}/valid")  # 409
    api.loke("GET", f"{CART}/000000000000000000000000")  # 404
    api.loke("PUT", "/organizations/demo/webhooks/x", {"url": "", "secret": "s", "events": []})  # 400
    api.loke("DELETE", "/organizations/demo/webhooks/pos-1")
    # Then every answer matches its documented schema
    assert {status for _, _, status, _ in answers} >= {200, 204, 400, 404, 409}
    assert not _nonconforming(answers), "\n".join(_nonconforming(answers))
    # And the cart.created webhooks carry a cart of the shape GET answers (LOKE's Cart)
    assert pos.received
    for _, body in pos.received:
        cart = json.loads(body)["cart"]
        assert not violations("GET", f"{CART}/{cart['id']}", 200, json.dumps(cart))


def test_medusa_answers_match_their_documented_schemas_in_every_state(api, answers) -> None:
    from tests.integration.test_medusa_carts import created_cart, medusa

    # Given carts in every state Medusa shows: open, with lines, a code, addresses, sessions, selected, completed
    cart = created_cart(api, {"items": [{"variant_id": "demo-flower", "quantity": 2}], "country_code": "us"})
    path = f"/carts/{cart['id']}"
    address = {"first_name": "Ada", "address_1": "1 Main St", "city": "Springfield", "country_code": "us"}
    medusa(api, "POST", path, {"email": "ada@example.com", "shipping_address": address, "billing_address": address})
    medusa(api, "POST", path, {"discounts": [{"code": "TENOFF"}], "context": {"k": "v"}})
    line = medusa(api, "POST", f"{path}/line-items", {"variant_id": "demo-edible", "quantity": 1}).json()
    medusa(api, "POST", f"{path}/line-items/{line['cart']['items'][-1]['id']}", {"quantity": 2})
    medusa(api, "POST", f"{path}/taxes")
    medusa(api, "POST", f"{path}/payment-sessions")
    medusa(api, "POST", f"{path}/payment-session", {"provider_id": "manual"})
    medusa(api, "POST", f"{path}/payment-sessions/manual", {"data": {"note": "n"}})
    medusa(api, "POST", f"{path}/payment-sessions/test-card/refresh")
    medusa(api, "DELETE", f"{path}/payment-sessions/test-card")
    medusa(api, "DELETE", f"{path}/discounts/TENOFF")
    order = medusa(api, "POST", f"{path}/complete").json()
    medusa(api, "POST", f"{path}/complete-cart")
    medusa(api, "GET", f"/orders/{order['data']['id']}")
    # And errors: unknown cart, unknown property, refused on a completed cart
    medusa(api, "GET", "/carts/cart_01G8ZH853Y6TFXWPG5EYE81X63")
    medusa(api, "POST", "/carts", {"bogus": 1})
    medusa(api, "POST", f"{path}/line-items", {"variant_id": "demo-flower", "quantity": 1})
    # Then every answer matches its documented schema
    assert {status for _, _, status, _ in answers} >= {200, 400, 404}
    assert not _nonconforming(answers), "\n".join(_nonconforming(answers))


def test_a_drift_between_model_and_body_is_caught() -> None:
    # Given a BLAZE cart body with one key the model does not declare, and one with a key missing
    # Then the check names each (it is not vacuous)
    extra = violations(
        "GET", f"{BLAZE}/history", 200, json.dumps({"values": [], "skip": 0, "limit": 1, "total": 0, "next": 1})
    )
    missing = violations("GET", "/organizations/demo/webhooks", 200, json.dumps([{"ref": "a", "url": "https://x"}]))
    assert extra and "next" in extra[0]
    assert missing and "events" in missing[0]


def test_no_route_lets_powertools_serialize_through_its_model() -> None:
    # Given every face's routes (Powertools keeps a router's routes in ``_routes``: rule key → function)
    import importlib
    import pkgutil
    import typing

    from pydantic import BaseModel

    from cart_core.faces import faces
    from cart_core.responses import NAMED_MODEL

    def routers(package: str) -> list[Any]:
        # A face's routes: one module, or a package of one router per group (Medusa's)
        module = importlib.import_module(f"{package}.routes")
        if hasattr(module, "router"):
            return [module.router]
        names = [m.name for m in pkgutil.iter_modules(module.__path__)]
        return [importlib.import_module(f"{package}.routes.{name}").router for name in names]

    for face in faces():
        for key, function in ((k, f) for r in routers(face.package) for k, f in r._routes.items()):
            returned = typing.get_type_hints(function)["return"]
            inner = typing.get_args(returned) or (returned,)
            # Then none returns a model: Powertools would validate and re-serialize the value through it
            # (the model's key order, number forms and defaults), where the mapping's dict is the wire
            assert not any(isinstance(t, type) and issubclass(t, BaseModel) for t in inner), (face.name, key[0])
            # And each route that answers a body documents it with a response model
            documented = key[7] or {}
            if returned is not type(None) and "Response" not in str(returned):
                # (given, or named through documentation(): cart_core.responses)
                models = ("model", NAMED_MODEL)
                assert any(
                    m in c for r in documented.values() for c in r.get("content", {}).values() for m in models
                ), (
                    face.name,
                    key[0],
                )
