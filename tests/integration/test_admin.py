"""Provisioning through the admin CLI, then calling the API with what it printed."""

from __future__ import annotations

import json

from cart_core import admin
from tests.conftest import InProcessApi


def run(capsys, table: str, *args: str) -> dict:
    assert admin.main(["--table", table, *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_new_store_is_provisioned_and_served(aws, capsys) -> None:
    table = aws["CartTable"]
    run(capsys, table, "tenant", "shop9", "Shop Nine")
    location = run(capsys, table, "location", "shop9", "north", "North", "--tax", "GST:10:federal", "--tax-inclusive")
    assert location["tax_inclusive"] is True and location["tax_rates"][0]["kind"] == "federal"
    keys = run(capsys, table, "blaze-keys", "shop9", "north")
    pos = run(capsys, table, "loke-token", "shop9")
    run(capsys, table, "product", "shop9", "tea", "4.40", "--name", "Tea")
    run(capsys, table, "discount", "shop9", "half", "percentage", "50")
    # Only digests are stored: the printed keys appear nowhere in the table
    from cart_core import credentials
    from cart_core.runtime import store

    record = store().get_credential(credentials.digest(keys["Authorization"]))
    assert record["tenant_id"] == "shop9" and record["location_id"] == "north"
    stored = json.dumps(record) + json.dumps(store().get_credential(credentials.digest(pos["Authorization"][7:])))
    assert (
        keys["Authorization"] not in stored
        and keys["x-api-key"] not in stored
        and pos["Authorization"][7:] not in stored
    )
    api = InProcessApi(aws)
    blaze = {"x-api-key": keys["x-api-key"], "Authorization": keys["Authorization"]}
    body = {"cart": {"items": [{"productId": "tea", "quantity": 2}], "promoCode": "half"}}
    cart = api.request("POST", "/api/v1/partner/store/cart/prepare?cuid=u1", blaze, body).json()
    # 8.80 including 10 % GST, half off: 4.40 to pay, of which 0.40 tax
    assert (
        cart["companyId"] == "shop9"
        and cart["cart"]["total"] == 4.4
        and cart["cart"]["taxResult"]["totalFedTax"] == 0.4
    )
    api.request("POST", f"/api/v1/partner/store/cart/submitCart/{cart['id']}?cuid=u1", blaze)
    loke = api.request("GET", f"/organizations/shop9/locations/north/cart/{cart['id']}", pos)
    assert loke.status == 200 and loke.json()["total"] == 440
