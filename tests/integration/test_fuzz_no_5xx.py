"""Random JSON-ish bodies (huge integers, deep nesting, wrong types, lone surrogates) sent to BLAZE,
LOKE and Medusa endpoints never get a 5xx: every refusal is a 4xx in the face's own body."""

from __future__ import annotations

import json
from http import HTTPStatus

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cart_core.faces import by_name
from tests.integration.test_blaze_cart import prepare
from tests.integration.test_checkout_events import submitted_cart

FIELDS = [
    "cart", "items", "productId", "quantity", "remarks", "promoCode", "deliveryAddress", "deliveryDate",
    "pickUpDate", "memo", "orderTags", "sessionId", "paymentReceived", "paymentOption", "chargeId",
    "adjustments", "id", "label", "amount", "taxIncluded", "zipCode",
    "variant_id", "region_id", "email", "shipping_address", "country_code", "discounts", "code", "context",
    "provider_id", "data", "metadata",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50)
    | st.sampled_from(["demo-flower", "Cash", "Delivery", "TENOFF", "\U0001f600" * 600])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
hostile = st.sampled_from(
    [
        '{"memo": ' + "9" * 5000 + "}",
        "[" * 20_000 + "]" * 20_000,
        '{"cart": {"items": [{"productId": "demo-flower", "quantity": 1e-999999}]}}',
        '{"paymentReceived": NaN}',
        '{"amount": Infinity}',
        '{"deliveryDate": 1e20}',
        '{"memo": "\\ud800"}',
        '{"cart": 1.5}',
        "{",
        "",
    ]
)
bodies = values.map(json.dumps) | hostile


def _once(api, name: str, make):
    """One cart per test, not per example: the fixture outlives hypothesis's examples, and a cart a
    body closed (submitted, validated) is still a target that must never 5xx."""
    cache = api.__dict__.setdefault("_fuzz_carts", {})
    if name not in cache:
        cache[name] = make()
    return cache[name]


def _never_5xx(response, face: str, accepted: int = 200) -> None:
    """Random input has no one defined answer, but only two kinds: accepted (the route's success
    status), or refused with a 4xx in the face's own error body carrying that status (not a bare
    gateway error, never a 5xx)."""
    if response.status == accepted:
        return
    assert 400 <= response.status < 500, (response.status, response.text)
    body = json.loads(response.text)
    assert body == by_name(face).error_body(HTTPStatus(response.status), body["message"]), response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, path=st.sampled_from(["update", "submit", "prepare", "payments", "findCost", "claim"]))
def test_blaze_never_answers_5xx(api, body: str, path: str) -> None:
    cart = _once(api, "blaze", lambda: prepare(api, cuid="fuzz"))
    target = {
        "update": f"/updateCart/{cart['id']}?cuid=fuzz",
        "submit": f"/submitCart/{cart['id']}?cuid=fuzz",
        "prepare": "/prepare?cuid=fuzz",
        "payments": f"/{cart['id']}/payments",
        "findCost": "/product/findCost",
        "claim": f"/{cart['id']}/setConsumerUser/fuzz?cuid=fuzz",
    }[path]
    _never_5xx(api.blaze("POST", target, raw=body), "blaze")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_loke_never_answers_5xx(api, body: str) -> None:
    cart_id = _once(api, "loke", lambda: submitted_cart(api, cuid="fuzz"))
    _never_5xx(api.loke("PUT", f"/organizations/demo/locations/main/cart/{cart_id}/valid", raw=body), "loke", 204)
    _never_5xx(api.loke("PUT", "/organizations/demo/webhooks/fuzz", raw=body), "loke")


MEDUSA_TYPES = {"invalid_data", "not_found", "not_allowed", "conflict", "unauthorized", "duplicate_error"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    path=st.sampled_from(["create", "update", "line", "set_line", "select", "session", "complete"]),
)
def test_medusa_never_answers_5xx(api, body: str, path: str) -> None:
    from tests.integration.test_medusa_carts import created_cart

    cart = _once(api, "medusa", lambda: created_cart(api, {"items": [{"variant_id": "demo-flower", "quantity": 1}]}))
    base = f"/store/carts/{cart['id']}"
    target = {
        "create": "/store/carts",
        "update": base,
        "line": f"{base}/line-items",
        "set_line": f"{base}/line-items/{cart['items'][0]['id']}",
        "select": f"{base}/payment-session",
        "session": f"{base}/payment-sessions/manual",
        "complete": f"{base}/complete",
    }[path]
    response = api.request("POST", target, {}, raw=body)
    if response.status == 200:
        return
    # Refused with a 4xx in Medusa's body: {type, message} (and a code where Medusa sets one)
    assert 400 <= response.status < 500, (response.status, response.text)
    error = json.loads(response.text)
    assert set(error) <= {"type", "message", "code"} and error["type"] in MEDUSA_TYPES, response.text
