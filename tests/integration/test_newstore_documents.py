"""NewStore's cart token and documents through the local gateway (template.yaml's routes, moto):
``POST /shopping/carts/{id}/token``, a token wherever an id goes, ``GET …/document`` (JSON and the
HTML receipt), ``POST …/document/send`` (once per address, SES in moto, the mail folder)."""

from __future__ import annotations

import base64
import threading
from email import message_from_bytes
from pathlib import Path
from typing import Any

import boto3
import pytest

from cart_core import runtime
from cart_core.actors import Actor, ActorKind
from cart_core.ids import codec
from cart_core.tenancy import Caller
from cart_core.usecases.carts import CartEdits
from newstore_shopping.face import ACME_CLIENT
from tests.conftest import TEMPLATE, InProcessApi
from tests.integration.test_newstore_auth import bearer, get_token

CARTS = "/shopping/carts"
TWO_FLOWERS = {"products": [{"product_id": "demo-flower", "quantity": 2}]}
NEWSTORE = codec("newstore")


@pytest.fixture
def ns(api: InProcessApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The demo client's requests, and the local cloud's mail folder (cloud.py sets MAIL_FOLDER)."""
    monkeypatch.setenv("MAIL_FOLDER", str(tmp_path / "mail"))
    runtime._mailer.cache_clear()
    headers = bearer(get_token(api))

    def call(method: str, path: str, body: Any = None, extra: dict[str, str] | None = None) -> Any:
        return api.request(method, path, {**headers, **(extra or {})}, body)

    call.mail = tmp_path / "mail"  # type: ignore[attr-defined]
    call.api = api  # type: ignore[attr-defined]
    return call


def new_cart(ns: Any) -> str:
    created = ns("POST", CARTS, TWO_FLOWERS)
    assert created.status == 200, created.text
    return str(created.json()["id"])


def place(wire_id: str) -> None:
    """Placed through the core (submitted): documents need a placed cart, not a paid one."""
    caller = Caller(
        tenant_id="demo", location_id="main", actor=Actor(kind=ActorKind.ASSOCIATE, id="demo-newstore-client")
    )
    runtime.use_cases().checkout.submit(caller, NEWSTORE.decode(wire_id).key, CartEdits())


def token_of(ns: Any, ref: str) -> str:
    response = ns("POST", f"{CARTS}/{ref}/token")
    assert response.status == 200, response.text
    assert set(response.json()) == {"cart_token"}
    return str(response.json()["cart_token"])


def sent_by_ses() -> int:
    return int(boto3.client("ses").get_send_quota()["SentLast24Hours"])


def not_found(response: Any) -> bool:
    body = response.json()
    return response.status == 404 and body["error_code"] == "not_found" and set(body) >= {"message", "request_id"}


# ----- the cart token -------------------------------------------------------------------------------


def test_a_token_round_trips_and_stands_for_the_id_on_every_route(ns: Any) -> None:
    # Given a cart and its token
    cart_id = new_cart(ns)
    token = token_of(ns, cart_id)
    assert cart_id not in token and base64.urlsafe_b64decode(token)
    # When the cart is read, updated and tokenised again through the token
    by_token = ns("GET", f"{CARTS}/{token}")
    patched = ns("PATCH", f"{CARTS}/{token}", {"products": [{"product_id": "demo-flower", "quantity": 3}]})
    again = token_of(ns, token)
    # Then each names the same cart (the answer shows its id), and a new token opens it too
    assert by_token.status == 200 and by_token.json()["id"] == cart_id
    assert patched.status == 200, patched.text
    assert ns("GET", f"{CARTS}/{again}").json()["id"] == cart_id
    # And the document routes take it (no document for a draft: 404, not 400)
    assert not_found(ns("GET", f"{CARTS}/{token}/document"))


def test_the_shipping_solutions_route_takes_a_token(ns: Any) -> None:
    # Given a cart and its token; When its shipping solutions are asked for by each
    cart_id = new_cart(ns)
    token = token_of(ns, cart_id)
    by_id = ns("GET", f"{CARTS}/{cart_id}/shipping_solutions")
    # Then the token reaches the cart as its id does
    by_token = ns("GET", f"{CARTS}/{token}/shipping_solutions")
    assert by_id.status == 200, by_id.text
    assert by_token.status == 200 and by_token.json() == by_id.json()


def test_a_tampered_truncated_foreign_or_garbage_token_is_404(ns: Any) -> None:
    # Given a demo cart's token, and the acme client
    cart_id = new_cart(ns)
    token = token_of(ns, cart_id)
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[-1] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    acme = bearer(get_token(ns.api, ACME_CLIENT))
    # Then every spoiled form is an unknown cart in NewStore's error body, never a 500
    for ref in (tampered, token[:20], "x" * 125, "garbage", "0" * 36, "%3Cscript%3E"):
        assert not_found(ns("GET", f"{CARTS}/{ref}")), ref
    # And the token opens nothing for another tenant, nor does its id
    assert not_found(ns.api.request("GET", f"{CARTS}/{token}", acme))
    assert not_found(ns.api.request("POST", f"{CARTS}/{token}/token", acme))
    assert not_found(ns.api.request("GET", f"{CARTS}/{cart_id}", acme))


def test_a_token_for_an_unknown_cart_is_404(ns: Any) -> None:
    assert not_found(ns("POST", f"{CARTS}/00000000-0000-8000-8000-000000000000/token"))


# ----- documents ------------------------------------------------------------------------------------


def test_a_placed_carts_document_is_a_sales_receipt_in_json(ns: Any) -> None:
    # Given a placed cart
    cart_id = new_cart(ns)
    place(cart_id)
    # When its document is asked for by id and by token
    by_id = ns("GET", f"{CARTS}/{cart_id}/document")
    by_token = ns("GET", f"{CARTS}/{token_of(ns, cart_id)}/document")
    # Then it is its sales receipt, amounts in decimal units
    assert by_id.status == 200, by_id.text
    doc = by_id.json()
    assert doc["document_type"] == "sales_receipt" and doc["cart_id"] == cart_id
    (item,) = doc["items"]
    assert (item["product_id"], item["quantity"], item["item_price"]) == ("demo-flower", 2, 12.5)
    assert doc["totals"]["subtotal"] == 25 and doc["totals"]["grand_total"] >= 25
    assert doc["store"]["name"] and doc["order_id"]
    assert by_token.json() == doc


def test_the_html_receipt_by_format_or_accept(ns: Any) -> None:
    cart_id = new_cart(ns)
    place(cart_id)
    by_format = ns("GET", f"{CARTS}/{cart_id}/document?format=html")
    by_accept = ns("GET", f"{CARTS}/{cart_id}/document", extra={"Accept": "text/html,application/xhtml+xml"})
    forced_json = ns("GET", f"{CARTS}/{cart_id}/document?format=json", extra={"Accept": "text/html"})
    for page in (by_format, by_accept):
        assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
        assert "Sales receipt" in page.text and "$12.50" in page.text
    assert forced_json.json()["document_type"] == "sales_receipt"
    bad = ns("GET", f"{CARTS}/{cart_id}/document?format=pdf")
    assert bad.status == 400 and bad.json()["error_code"] == "bad_request"


# ----- sending --------------------------------------------------------------------------------------


def test_a_document_is_sent_once_then_again_only_when_forced(ns: Any) -> None:
    # Given a placed cart
    cart_id = new_cart(ns)
    place(cart_id)
    before = sent_by_ses()
    path = f"{CARTS}/{cart_id}/document/send"
    # When it is sent to a customer, again, then forced
    first = ns("POST", path, {"email": "customer@example.org"})
    second = ns("POST", path, {"email": "customer@example.org"})
    forced = ns("POST", path, {"email": "customer@example.org", "force_send": True})
    # Then each answer is 204 without a body, and SES mailed it twice (first and forced)
    assert [(r.status, r.text) for r in (first, second, forced)] == [(204, "")] * 3
    assert sent_by_ses() == before + 2
    # And the local cloud's mail folder has both, as mail and as a page
    mails = sorted(ns.mail.glob("*.eml"))
    assert len(mails) == 2 and len(list(ns.mail.glob("*.html"))) == 2
    mail = message_from_bytes(mails[0].read_bytes())
    assert mail["To"] == "customer@example.org" and mail["From"] == TEMPLATE.parameter_defaults()["MailSender"]
    assert mail["Subject"].startswith("Sales receipt ")


def test_two_concurrent_sends_mail_once(ns: Any) -> None:
    cart_id = new_cart(ns)
    place(cart_id)
    token = token_of(ns, cart_id)
    before = sent_by_ses()
    statuses: list[int] = []
    start = threading.Barrier(2)

    def racer(ref: str) -> None:
        start.wait()
        statuses.append(ns("POST", f"{CARTS}/{ref}/document/send", {"email": "race@example.org"}).status)

    threads = [threading.Thread(target=racer, args=(ref,)) for ref in (cart_id, token)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [204, 204]
    assert sent_by_ses() == before + 1


def test_an_ses_outage_is_503_and_the_retry_sends(ns: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a placed cart and SES throttling every call
    from botocore.exceptions import ClientError

    from cart_core.store.ses import SesMailer

    cart_id = new_cart(ns)
    place(cart_id)
    real_send = SesMailer.send

    def throttled(self: SesMailer, message: Any) -> str:
        error = ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail")
        from cart_core.store.clients import unavailable

        raise unavailable(error) or error

    monkeypatch.setattr(SesMailer, "send", throttled)
    path = f"{CARTS}/{cart_id}/document/send"
    # When the document is sent / Then 503 with Retry-After in NewStore's body, nothing mailed
    down = ns("POST", path, {"email": "customer@example.org"})
    assert down.status == 503 and down.headers.get("Retry-After") and set(down.json()) >= {"error_code", "message"}
    assert not list(ns.mail.glob("*.eml"))
    # When SES is back and the client retries / Then it is sent
    monkeypatch.setattr(SesMailer, "send", real_send)
    assert ns("POST", path, {"email": "customer@example.org"}).status == 204
    assert len(list(ns.mail.glob("*.eml"))) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": ""},
        {"email": "not-an-address"},
        {"email": "a@example.org\r\nBcc: all@example.org"},
        {"email": "x" * 250 + "@example.org"},
        {"email": 5},
        {"email": "customer@example.org", "force_send": "yes"},
    ],
)
def test_a_bad_send_body_is_400_and_sends_nothing(ns: Any, body: dict[str, Any]) -> None:
    cart_id = new_cart(ns)
    place(cart_id)
    before = sent_by_ses()
    response = ns("POST", f"{CARTS}/{cart_id}/document/send", body)
    assert response.status == 400 and response.json()["error_code"] == "bad_request", response.text
    assert sent_by_ses() == before


def test_a_draft_has_nothing_to_send(ns: Any) -> None:
    assert not_found(ns("POST", f"{CARTS}/{new_cart(ns)}/document/send", {"email": "customer@example.org"}))


def test_the_receipt_is_made_out_to_the_carts_customer(ns: Any) -> None:
    # Given a cart whose customer is named, then renamed by first and last name, then placed
    cart_id = new_cart(ns)
    named = ns("PATCH", f"{CARTS}/{cart_id}", {"customer": {"name": "Jane Doe", "email": "jane@example.com"}})
    assert named.status == 200, named.text
    renamed = ns("PATCH", f"{CARTS}/{cart_id}", {"customer": {"first_name": "John", "last_name": "Roe"}})
    assert renamed.status == 200, renamed.text
    place(cart_id)
    # When its document is asked for
    doc = ns("GET", f"{CARTS}/{cart_id}/document").json()
    # Then it names the customer the cart has now (and no e-mail: the new customer gave none)
    assert doc["customer"] == {"name": "John Roe", "email": None}
