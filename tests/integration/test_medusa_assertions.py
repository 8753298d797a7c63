"""Medusa's own integration-test assertions (medusa-v1.md §5) that the demo fixture can express,
numbered as there, against the Medusa face through the local gateway (moto)."""

from __future__ import annotations

from tests.conftest import InProcessApi
from tests.integration.test_medusa_carts import created_cart, medusa


def test_5_a_cart_made_without_a_body_can_be_updated(api: InProcessApi) -> None:
    response = api.request("POST", "/store/carts", {}, raw="")
    assert response.status == 200, response.text
    cart = response.json()["cart"]
    assert medusa(api, "POST", f"/carts/{cart['id']}", {}).status == 200


def test_8_a_country_code_starts_the_shipping_address(api: InProcessApi) -> None:
    cart = created_cart(api, {"country_code": "us"})
    assert cart["shipping_address"]["country_code"] == "us"


def test_9_the_context_holds_the_request_and_the_body(api: InProcessApi) -> None:
    cart = created_cart(api, {"context": {"test_id": "test"}})
    assert cart["context"]["test_id"] == "test"
    assert isinstance(cart["context"]["ip"], str) and isinstance(cart["context"]["user_agent"], str)


def test_10_an_added_line_is_one_item_without_adjustments(api: InProcessApi) -> None:
    cart = created_cart(api)
    response = medusa(api, "POST", f"/carts/{cart['id']}/line-items", {"variant_id": "demo-flower", "quantity": 1})
    (item,) = response.json()["cart"]["items"]
    assert (item["cart_id"], item["unit_price"], item["variant_id"], item["quantity"], item["adjustments"]) == (
        cart["id"], 1250, "demo-flower", 1, [],
    )  # fmt: skip


def test_11_a_line_added_with_a_discount_on_the_cart_gets_its_adjustment(api: InProcessApi) -> None:
    # Given a cart with the 10 % code; When 2 x 1250 are added; Then one adjustment of 250
    cart = created_cart(api)
    medusa(api, "POST", f"/carts/{cart['id']}", {"discounts": [{"code": "TENOFF"}]})
    added = medusa(api, "POST", f"/carts/{cart['id']}/line-items", {"variant_id": "demo-flower", "quantity": 2})
    (adjustment,) = added.json()["cart"]["items"][0]["adjustments"]
    assert adjustment["description"] == "discount" and adjustment["amount"] == 250 and adjustment["discount_id"]


def test_20_an_empty_discount_list_removes_the_adjustments(api: InProcessApi) -> None:
    cart = created_cart(api, {"items": [{"variant_id": "demo-flower", "quantity": 2}]})
    medusa(api, "POST", f"/carts/{cart['id']}", {"discounts": [{"code": "TENOFF"}]})
    cleared = medusa(api, "POST", f"/carts/{cart['id']}", {"discounts": []}).json()["cart"]
    assert cleared["items"][0]["adjustments"] == [] and cleared["discount_total"] == 0


def test_26_27_28_addresses_clear_by_null_reuse_by_id_and_update_in_part(api: InProcessApi) -> None:
    cart = created_cart(api)
    path = f"/carts/{cart['id']}"
    address = {"first_name": "Ada", "last_name": "L", "address_1": "1 Main St", "country_code": "us"}
    shipped = medusa(api, "POST", path, {"shipping_address": address, "billing_address": address}).json()["cart"]
    # 28: a partial billing address keeps the other fields
    billed = medusa(api, "POST", path, {"billing_address": {"last_name": "Lovelace"}}).json()["cart"]
    assert (billed["billing_address"]["first_name"], billed["billing_address"]["last_name"]) == ("Ada", "Lovelace")
    assert billed["billing_address"]["country_code"] == "us"
    # 27: an address id names that address
    same = medusa(api, "POST", path, {"shipping_address": shipped["shipping_address_id"]}).json()["cart"]
    assert same["shipping_address_id"] == shipped["shipping_address_id"]
    # 26: null clears it
    cleared = medusa(api, "POST", path, {"shipping_address": None}).json()["cart"]
    assert cleared["shipping_address"] is None and cleared["shipping_address_id"] is None


def test_32_updating_the_region_to_its_own_value_changes_nothing(api: InProcessApi) -> None:
    cart = created_cart(api, {"country_code": "us"})
    same = medusa(api, "POST", f"/carts/{cart['id']}", {"region_id": cart["region_id"]}).json()["cart"]
    assert same["shipping_address"]["country_code"] == "us" and same["updated_at"] == cart["updated_at"]


def test_14_15_metadata_is_merged_on_update_and_lines_merge_only_with_equal_metadata(api: InProcessApi) -> None:
    cart = created_cart(api)
    path = f"/carts/{cart['id']}/line-items"
    medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1, "metadata": {"some-existing": "prop"}})
    # 15: the same variant with the same metadata merges; with other metadata it is a line of its own
    merged = medusa(
        api, "POST", path, {"variant_id": "demo-flower", "quantity": 1, "metadata": {"some-existing": "prop"}}
    )
    (item,) = merged.json()["cart"]["items"]
    assert item["quantity"] == 2
    apart = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1}).json()["cart"]
    assert len(apart["items"]) == 2
    # 14: an update merges its metadata into the line's ("" removes a key)
    updated = medusa(api, "POST", f"{path}/{item['id']}", {"quantity": 3, "metadata": {"another": "prop"}})
    line = next(i for i in updated.json()["cart"]["items"] if i["id"] == item["id"])
    assert line["quantity"] == 3 and line["metadata"] == {"some-existing": "prop", "another": "prop"}
    removed = medusa(api, "POST", f"{path}/{item['id']}", {"quantity": 3, "metadata": {"another": ""}})
    line = next(i for i in removed.json()["cart"]["items"] if i["id"] == item["id"])
    assert line["metadata"] == {"some-existing": "prop"}
