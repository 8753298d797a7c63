"""Checkout configurations (Fluid Pay's hosted-checkout "carts") through DynamoDB (moto): their own
versioned record under the tenant, a global public-hash claim that resolves with no caller, updates
conditional on the version, deletion that releases the hash, and tenant isolation."""

from __future__ import annotations

import pytest

from cart_core.actors import Actor
from cart_core.checkout_configuration import CheckoutSettings
from cart_core.clock import FrozenClock
from cart_core.errors import InvalidRequest, NotFound
from cart_core.store import keys
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from tests.integration.test_regions import RacingStore

DEMO = Caller(tenant_id="demo", location_id="main", actor=Actor.partner())
ACME = Caller(tenant_id="acme", location_id="main", actor=Actor.partner())


def _settings(**fields) -> CheckoutSettings:
    return CheckoutSettings(
        **{"name": "Weekend", "product_ids": ["demo-vape", "demo-flower"], "payments": ["card"]} | fields
    )


def _item(store, pk: str, sk: str):
    return store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")


def test_a_created_configuration_is_its_own_record_and_its_hash_resolves_without_a_caller(store) -> None:
    # Given a configuration created by demo at main
    configurations = compose(store).checkout_configurations
    created = configurations.create(DEMO, _settings(success_url="https://shop.example/ok"))
    # Then it reads back by id, version 1, under demo's partition
    assert configurations.get(DEMO, created.configuration_id) == created
    assert created.version == 1
    assert _item(store, keys.tenant_pk("demo"), keys.checkout_configuration_sk(created.configuration_id))
    # and its public hash, a global item naming tenant, location and configuration, resolves to it
    claim = _item(store, keys.checkout_hash_pk(created.public_hash), keys.CLAIM_SK)
    assert claim["cart_id"]["S"] == f"demo#main#{created.configuration_id}"
    page = compose(store).checkout_configurations.resolve(created.public_hash)
    assert page.configuration == created and page.location.location_id == "main"
    assert [p.product_id for p in page.products] == ["demo-vape", "demo-flower"]


def test_a_configuration_naming_an_unknown_product_is_refused_and_nothing_is_written(store) -> None:
    configurations = compose(store).checkout_configurations
    with pytest.raises(InvalidRequest, match="nope"):
        configurations.create(DEMO, _settings(product_ids=["demo-vape", "nope"]))
    assert store.checkout_configurations("demo") == []


def test_another_tenant_reaches_neither_the_record_nor_unknown_hashes(store) -> None:
    configurations = compose(store).checkout_configurations
    created = configurations.create(DEMO, _settings())
    with pytest.raises(NotFound):
        configurations.get(ACME, created.configuration_id)
    with pytest.raises(NotFound):
        configurations.update(ACME, created.configuration_id, _settings(name="Mine"))
    with pytest.raises(NotFound):
        configurations.delete(ACME, created.configuration_id)
    for unknown in ("0b1e4c3a-1111-4222-8333-444455556666", "not-a-hash", created.public_hash.upper()):
        with pytest.raises(NotFound):
            configurations.resolve(unknown)
    assert configurations.get(DEMO, created.configuration_id) == created


def test_an_update_applies_the_fields_it_sets_conditionally_on_the_version(store) -> None:
    configurations = compose(store).checkout_configurations
    created = configurations.create(DEMO, _settings(description="Two products"))
    # When only the name and products are sent
    changes = CheckoutSettings(name="Sunday", product_ids=["demo-edible"])
    updated = configurations.update(DEMO, created.configuration_id, changes)
    # Then those changed, the rest (and the hash) stayed, and the version went up by one
    assert (updated.name, updated.product_ids, updated.description) == ("Sunday", ["demo-edible"], "Two products")
    assert updated.public_hash == created.public_hash and updated.version == 2
    assert configurations.get(DEMO, created.configuration_id) == updated
    with pytest.raises(InvalidRequest):
        configurations.update(DEMO, created.configuration_id, CheckoutSettings(name="x", product_ids=["nope"]))


def test_an_update_that_loses_the_version_race_is_read_again_and_keeps_the_other_change(store) -> None:
    # Given a configuration, and another update of its description landing while ours is under way
    plain = compose(store).checkout_configurations
    created = plain.create(DEMO, _settings())
    racing = RacingStore(
        store, lambda: plain.update(DEMO, created.configuration_id, CheckoutSettings(name="Weekend", description="B"))
    )
    # When our update of the products loses the first write
    ours = compose(racing, sleep=lambda _: None).checkout_configurations
    result = ours.update(DEMO, created.configuration_id, CheckoutSettings(name="Weekend", product_ids=["demo-vape"]))
    # Then it was applied to the changed record: both changes stand
    assert racing.writes == 2
    assert (result.description, result.product_ids, result.version) == ("B", ["demo-vape"], 3)
    assert plain.get(DEMO, created.configuration_id) == result


def test_a_deleted_configuration_is_kept_but_neither_read_nor_resolved(store) -> None:
    configurations = compose(store).checkout_configurations
    created = configurations.create(DEMO, _settings())
    configurations.delete(DEMO, created.configuration_id)
    with pytest.raises(NotFound):
        configurations.get(DEMO, created.configuration_id)
    with pytest.raises(NotFound):
        configurations.resolve(created.public_hash)
    assert _item(store, keys.checkout_hash_pk(created.public_hash), keys.CLAIM_SK) is None
    (kept,) = store.checkout_configurations("demo")
    assert kept.deleted_ms is not None and kept.version == 2
    with pytest.raises(NotFound):
        configurations.delete(DEMO, created.configuration_id)


def test_a_page_leaves_out_products_no_longer_sold(store) -> None:
    from cart_core import admin

    configurations = compose(store).checkout_configurations
    created = configurations.create(DEMO, _settings())
    admin.create_product(store, "demo", "demo-vape", 35, active=False)
    page = configurations.resolve(created.public_hash)
    assert [p.product_id for p in page.products] == ["demo-flower"]


def test_a_tenants_configurations_list_oldest_first_without_deleted_ones_or_another_tenants(store) -> None:
    # Given three configurations created a second apart (the second then deleted), and acme's
    clock = FrozenClock(1_800_000_000.0)
    configurations = compose(store, clock=clock).checkout_configurations
    created = []
    for name in ("A", "B", "C"):
        created.append(configurations.create(DEMO, _settings(name=name)))
        clock.advance(1)
    first, second, third = created
    configurations.delete(DEMO, second.configuration_id)
    configurations.create(ACME, CheckoutSettings(name="Acme's"))
    # When demo lists them / Then only its live ones, oldest first, paged, with the total
    page, total = configurations.list(DEMO, offset=0, limit=100)
    assert [c.name for c in page] == ["A", "C"] and total == 2
    assert configurations.list(DEMO, offset=1, limit=1) == ([third], 2)
    with pytest.raises(InvalidRequest):
        configurations.list(DEMO, limit=101)
    assert first in page
