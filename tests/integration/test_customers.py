"""Customers of a tenant (cart_core.usecases.customers) against the emulated table: accounts and
guests per e-mail, sign-in, sessions with a TTL, and the keys they leave in the table."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cart_core.actors import Actor
from cart_core.clock import FrozenClock
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.customers import SESSION_TTL_SECONDS, DuplicateCustomer, NewCustomer

DEMO = Caller(tenant_id="demo", location_id="main", actor=Actor.partner())
ACME = Caller(tenant_id="acme", location_id="main", actor=Actor.partner())
T0 = 1_900_000_000.0


def _cases(store: Any, clock: FrozenClock | None = None) -> Any:
    clock = clock or FrozenClock(T0)
    return compose(DynamoStore(store.table_name, client=store.client, clock=clock), clock=clock)


def _items(store: Any, prefix: str) -> list[dict[str, Any]]:
    # Test-only look at the table (the emulator); the service itself never scans.
    return [i for i in store.client.scan(TableName=store.table_name)["Items"] if i["pk"]["S"].startswith(prefix)]


def test_a_registered_customer_is_stored_with_its_email_claim_and_no_plain_password(store) -> None:
    # Given a registration with a mixed-case e-mail
    cases = _cases(store)
    customer = cases.customers.register(
        DEMO, NewCustomer(email="Ada@Example.COM", password="pa55word", first_name="Ada", last_name="L")
    )
    # Then the customer is stored lower-cased, with an account and a scrypt hash, under the tenant
    assert customer.customer_id.startswith("cus_") and len(customer.customer_id) == 30
    assert customer.email == "ada@example.com" and customer.has_account
    stored = cases.customers.get(DEMO, customer.customer_id)
    assert stored.password_hash and "pa55word" not in stored.model_dump_json()
    assert stored.created_ms == int(T0 * 1000)
    # And the e-mail's account claim names it
    (claim,) = _items(store, "CUSTOMEREMAIL#demo#account#ada@example.com")
    assert claim["cart_id"]["S"] == customer.customer_id


def test_an_email_registers_once_per_tenant_whatever_its_case(store) -> None:
    cases = _cases(store)
    cases.customers.register(DEMO, NewCustomer(email="bo@example.com", password="one"))
    # When the same e-mail registers again, differently cased
    with pytest.raises(DuplicateCustomer, match=r"already has an account\. Log in instead"):
        cases.customers.register(DEMO, NewCustomer(email="BO@example.com", password="two"))
    # Then only one customer record exists, and another tenant may still use the e-mail
    assert len(_items(store, "CUSTOMEREMAIL#demo#account#bo@")) == 1
    assert cases.customers.register(ACME, NewCustomer(email="bo@example.com", password="x")).tenant_id == "acme"


def test_two_concurrent_registrations_of_one_email_give_one_account(store) -> None:
    cases = _cases(store)

    def register(n: int) -> str:
        try:
            return cases.customers.register(DEMO, NewCustomer(email="race@example.com", password=f"p{n}")).customer_id
        except DuplicateCustomer:
            return "duplicate"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(register, range(2)))
    assert outcomes[0].startswith("cus_") and outcomes[1] == "duplicate"
    customers = [i for i in _items(store, "TENANT#demo") if i["sk"]["S"].startswith("CUSTOMER#")]
    assert len(customers) == 1


def test_a_guest_is_made_once_per_email_and_registering_its_email_adds_an_account_beside_it(store) -> None:
    cases = _cases(store)
    # Given a guest from a checkout e-mail
    guest = cases.customers.guest(DEMO, "Guest@Example.com")
    assert not guest.has_account and guest.password_hash is None
    assert cases.customers.guest(DEMO, "guest@example.com").customer_id == guest.customer_id
    # Then it cannot sign in, and the e-mail has no account
    assert cases.customers.authenticate(DEMO, "guest@example.com", "") is None
    assert cases.customers.exists(DEMO, "guest@example.com") is False
    # When the e-mail registers
    account = cases.customers.register(DEMO, NewCustomer(email="guest@example.com", password="secret"))
    # Then it is a new customer with an account, and the guest (and its orders) stays apart
    assert account.customer_id != guest.customer_id and account.has_account
    assert cases.customers.exists(DEMO, "guest@example.com") is True
    assert cases.customers.authenticate(DEMO, "GUEST@example.com", "secret").customer_id == account.customer_id
    assert cases.customers.guest(DEMO, "guest@example.com").customer_id == guest.customer_id


def test_authenticate_answers_none_for_every_kind_of_wrong(store) -> None:
    cases = _cases(store)
    customer = cases.customers.register(DEMO, NewCustomer(email="cy@example.com", password="right"))
    assert cases.customers.authenticate(DEMO, "cy@example.com", "right").customer_id == customer.customer_id
    assert cases.customers.authenticate(DEMO, "cy@example.com", "wrong") is None
    assert cases.customers.authenticate(DEMO, "nobody@example.com", "right") is None
    assert cases.customers.authenticate(ACME, "cy@example.com", "right") is None  # another tenant's
    assert cases.customers.authenticate(DEMO, "x" * 300 + "@example.com", "right") is None


def test_a_session_names_its_customer_until_its_ttl_and_a_logout_ends_it(store) -> None:
    clock = FrozenClock(T0)
    cases = _cases(store, clock)
    customer = cases.customers.register(DEMO, NewCustomer(email="di@example.com", password="pw"))
    # Given a session
    session = cases.customers.start_session(DEMO, customer.customer_id)
    assert session.expires_at == int(T0) + SESSION_TTL_SECONDS
    (item,) = _items(store, f"SESSION#demo#{session.session_id}")
    assert item["expires_at"]["N"] == str(session.expires_at) and item["cart_id"]["S"] == customer.customer_id
    # Then it names the customer, only in its tenant
    assert cases.customers.session_customer(DEMO, session.session_id) == customer.customer_id
    assert cases.customers.session_customer(ACME, session.session_id) is None
    # When its TTL passes (DynamoDB has not removed the item yet), Then it is gone
    clock.advance(SESSION_TTL_SECONDS)
    assert cases.customers.session_customer(DEMO, session.session_id) is None
    # And a logout of a live session deletes it
    clock.advance(-SESSION_TTL_SECONDS)
    cases.customers.end_session(DEMO, session.session_id)
    assert cases.customers.session_customer(DEMO, session.session_id) is None
    assert _items(store, f"SESSION#demo#{session.session_id}") == []


@pytest.mark.parametrize("session_id", ["", "a" * 65, "has space", "ünicode", "../x", "a#b"])
def test_a_malformed_session_id_is_not_looked_up(store, session_id: str) -> None:
    assert _cases(store).customers.session_customer(DEMO, session_id) is None


def test_registering_and_signing_in_is_one_transaction(store, dynamo_calls) -> None:
    # Given a registration that signs the customer in
    cases = _cases(store)
    dynamo_calls.reset()
    customer, session = cases.customers.register_and_sign_in(DEMO, NewCustomer(email="ed@example.com", password="p"))
    # Then the customer, its e-mail claim and its session were written by one TransactWriteItems
    assert dict(dynamo_calls.calls) == {"TransactWriteItems": 1}
    assert session is not None and cases.customers.session_customer(DEMO, session.session_id) == customer.customer_id


# ----- the customer's own changes, address book and password reset (usecases.customers) ------------


def test_an_email_change_takes_the_new_claim_and_releases_the_old_in_one_transaction(store, dynamo_calls) -> None:
    from cart_core.usecases.customers import CustomerChanges

    # Given a customer
    cases = _cases(store)
    customer = cases.customers.register(DEMO, NewCustomer(email="fay@example.com", password="pw"))
    dynamo_calls.reset()
    # When they change their e-mail
    changed = cases.customers.update(DEMO, customer.customer_id, CustomerChanges(email="Fay2@Example.com"))
    # Then one transaction moved the claim: the new e-mail names them, the old one is free
    assert dynamo_calls.calls["TransactWriteItems"] == 1
    assert changed.email == "fay2@example.com" and changed.version == 2
    assert [i["pk"]["S"] for i in _items(store, "CUSTOMEREMAIL#demo#")] == [
        "CUSTOMEREMAIL#demo#account#fay2@example.com"
    ]


def test_two_customers_racing_for_one_new_email_get_it_once(store) -> None:
    from cart_core.usecases.customers import CustomerChanges

    cases = _cases(store)
    ids = [
        cases.customers.register(DEMO, NewCustomer(email=f"r{n}@example.com", password="pw")).customer_id
        for n in range(2)
    ]

    def change(customer_id: str) -> str:
        try:
            return cases.customers.update(DEMO, customer_id, CustomerChanges(email="wanted@example.com")).email
        except DuplicateCustomer:
            return "duplicate"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(change, ids))
    assert outcomes == ["duplicate", "wanted@example.com"]
    claims = sorted(i["pk"]["S"].rsplit("#", 1)[1] for i in _items(store, "CUSTOMEREMAIL#demo#"))
    assert claims[-1] == "wanted@example.com" and len(claims) == 2


def test_a_customer_stored_before_addresses_reads_with_an_empty_book(store) -> None:
    import json

    # Given a customer document written before addresses existed (no addresses, no billing address)
    cases = _cases(store)
    customer = cases.customers.register(DEMO, NewCustomer(email="old@example.com", password="pw"))
    (item,) = [i for i in _items(store, "TENANT#demo") if i["sk"]["S"] == f"CUSTOMER#{customer.customer_id}"]
    doc = json.loads(item["doc"]["S"])
    doc.pop("addresses"), doc.pop("billing_address")
    store.client.put_item(TableName=store.table_name, Item={**item, "doc": {"S": json.dumps(doc)}})
    # Then it reads, and an address can be added to it
    assert cases.customers.get(DEMO, customer.customer_id).addresses == []
    from cart_core.cart import Address

    added = cases.customers.add_address(DEMO, customer.customer_id, Address(address="1 Road", country="US"))
    assert [a.address for a in added.addresses] == ["1 Road"]


def test_a_reset_token_expires_after_its_ttl(store) -> None:
    from cart_core.errors import Unauthorized
    from cart_core.usecases import customers as area

    # Given a token sent to a customer
    clock = FrozenClock(T0)
    cases = _cases(store, clock)
    cases.customers.register(DEMO, NewCustomer(email="gus@example.com", password="pw"))
    reset = cases.customers.request_password_reset(DEMO, "gus@example.com")
    assert reset is not None and reset.expires_at == int(T0) + area.PASSWORD_TOKEN_TTL_SECONDS
    # When its TTL passes (the item is still in the table: DynamoDB deletes late)
    clock.advance(area.PASSWORD_TOKEN_TTL_SECONDS)
    # Then it no longer resets the password, and the old password still signs in
    with pytest.raises(Unauthorized, match="Invalid or expired password reset token"):
        cases.customers.reset_password(DEMO, "gus@example.com", reset.token, "new")
    assert cases.customers.authenticate(DEMO, "gus@example.com", "pw") is not None
    assert len(_items(store, "PWTOKEN#demo#")) == 1
    # And a token for another tenant's store is not this one's
    assert cases.customers.request_password_reset(ACME, "gus@example.com") is None


def test_two_resets_racing_with_one_token_succeed_once(store) -> None:
    from cart_core.errors import Unauthorized

    cases = _cases(store)
    cases.customers.register(DEMO, NewCustomer(email="hal@example.com", password="pw"))
    reset = cases.customers.request_password_reset(DEMO, "hal@example.com")
    assert reset is not None

    def use(password: str) -> str:
        try:
            cases.customers.reset_password(DEMO, "hal@example.com", reset.token, password)
            return password
        except Unauthorized:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(use, ["first-pw", "second-pw"]))
    assert outcomes.count("refused") == 1
    winner = next(o for o in outcomes if o != "refused")
    assert cases.customers.authenticate(DEMO, "hal@example.com", winner) is not None
