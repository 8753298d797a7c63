"""The single-table key schema (see docs/storage.md). Every key starts with its tenant, except the
global lookups (credential digests, checkout public hashes), which name their tenant inside."""

from __future__ import annotations

from collections.abc import Callable

CART_SK = "CART"
POINTER_SK = "POINTER"
CLAIM_SK = "CLAIM"
TENANT_SK = "TENANT"
CREDENTIAL_SK = "CREDENTIAL"


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def location_sk(location_id: str) -> str:
    return f"LOCATION#{location_id}"


def region_sk(region_id: str) -> str:
    return f"REGION#{region_id}"


CHECKOUT_CONFIGURATION_PREFIX = "CHECKOUTCONFIG#"


def checkout_configuration_sk(configuration_id: str) -> str:
    """Under the tenant's partition, so a tenant's configurations are one Query (begins_with)."""
    return f"{CHECKOUT_CONFIGURATION_PREFIX}{configuration_id}"


def checkout_hash_pk(public_hash: str) -> str:
    """A checkout configuration's public hash: global (the public checkout page knows only the hash);
    the claim's owner names tenant, location and configuration."""
    return f"CHECKOUTHASH#{public_hash}"


CUSTOMER_PREFIX = "CUSTOMER#"


def customer_sk(customer_id: str) -> str:
    """Under the tenant's partition, so a customer is read in the same batch as the location."""
    return f"{CUSTOMER_PREFIX}{customer_id}"


def customer_email_pk(tenant_id: str, kind: str, email: str) -> str:
    """The claim keeping an e-mail unique per tenant and kind (account, guest); owner: the customer."""
    return f"CUSTOMEREMAIL#{tenant_id}#{kind}#{email}"


SESSION_SK = "SESSION"


def session_pk(tenant_id: str, session_id: str) -> str:
    """A sign-in session (a claim naming its customer, with a TTL)."""
    return f"SESSION#{tenant_id}#{session_id}"


def password_token_pk(tenant_id: str, token_digest: str) -> str:
    """A password-reset token's digest (a claim naming its customer, with a TTL)."""
    return f"PWTOKEN#{tenant_id}#{token_digest}"


def product_sk(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


SHIPPING_OPTION_PREFIX = "SHIPOPT#"
STORE_PRODUCT_PREFIX = "STOREPRODUCT#"
REGION_PREFIX = "REGION#"


def shipping_option_sk(option_id: str) -> str:
    """Under the tenant's partition: a tenant's options (every region's) are one Query."""
    return f"{SHIPPING_OPTION_PREFIX}{option_id}"


def store_product_sk(product_id: str) -> str:
    """A storefront product (its variants are PRODUCT# items): one Query lists a tenant's."""
    return f"{STORE_PRODUCT_PREFIX}{product_id}"


# The tenant's price book: a copy of its product documents in one item (store/dynamodb.py), so a
# cart of many lines reads its products as one key instead of one key each.
PRICE_BOOK_SK = "PRICEBOOK"


def discount_sk(code: str) -> str:
    return f"DISCOUNT#{code.upper()}"


def gift_card_sk(code: str) -> str:
    return f"GIFTCARD#{code.upper()}"


def cart_pk(tenant_id: str, cart_id: str) -> str:
    return f"CART#{tenant_id}#{cart_id}"


def active_pointer_pk(tenant_id: str, location_id: str, kind: str, value: str) -> str:
    """The one open cart of a consumer or guest key, per location."""
    return f"ACTIVE#{tenant_id}#{location_id}#{kind}#{value}"


def public_pointer_pk(tenant_id: str, public_key: str) -> str:
    return f"PUBLIC#{tenant_id}#{public_key}"


def order_no_claim_pk(tenant_id: str, order_no: str) -> str:
    return f"ORDERNO#{tenant_id}#{order_no}"


def returned_item_pk(tenant_id: str, order_id: str, item_id: str) -> str:
    """A unit of an order handed back: a claim naming the return cart (lives as long as the order)."""
    return f"RETURNED#{tenant_id}#{order_id}#{item_id}"


def consumer_history_pk(tenant_id: str, location_id: str, consumer_id: str) -> str:
    """A consumer's orders at one location (BLAZE shop): history is per shop."""
    return f"CONSUMER#{tenant_id}#{location_id}#{consumer_id}"


def credential_pk(credential_hash: str) -> str:
    return f"CREDENTIAL#{credential_hash}"


WEBHOOK_PREFIX = "WEBHOOK#"


def webhook_sk(ref: str) -> str:
    return f"{WEBHOOK_PREFIX}{ref}"


def counter_pk(tenant_id: str, name: str) -> str:
    """A tenant's named counter (an ``Add`` intent's target): uses of a code, a balance, stock."""
    return f"COUNTER#{tenant_id}#{name}"


COUNTER_SK = "COUNTER"


def document_sent_pk(tenant_id: str, cart_id: str, email_digest: str) -> str:
    """A cart's document sent to one address (its SHA-256, not the address): a claim naming the send."""
    return f"DOCSENT#{tenant_id}#{cart_id}#{email_digest}"


# How the core's storage-neutral ``Key`` kinds (ports.Key) map onto this table's keys.
_ITEM_KEYS: dict[str, tuple[Callable[..., str], str]] = {
    "active": (active_pointer_pk, POINTER_SK),
    "public": (public_pointer_pk, POINTER_SK),
    "order_no": (order_no_claim_pk, CLAIM_SK),
    "returned_item": (returned_item_pk, CLAIM_SK),
    "counter": (counter_pk, COUNTER_SK),
    "checkout_hash": (checkout_hash_pk, CLAIM_SK),
    "customer_email": (customer_email_pk, CLAIM_SK),
    "session": (session_pk, SESSION_SK),
    "password_token": (password_token_pk, CLAIM_SK),
    "document_sent": (document_sent_pk, CLAIM_SK),
}


# Catalog items an ``Add`` may target (a gift card's balance, a code's uses, a variant's stock).
_CATALOG_KEYS: dict[str, Callable[[str], str]] = {
    "gift_card": lambda code: gift_card_sk(code),
    "discount": lambda code: discount_sk(code),
    "product": lambda product_id: product_sk(product_id),
}


def item_key(kind: str, parts: tuple[str, ...]) -> tuple[str, str]:
    if kind in _CATALOG_KEYS:  # a catalog item: the tenant's partition, its name in the sort key
        tenant_id, name = parts
        return tenant_pk(tenant_id), _CATALOG_KEYS[kind](name)
    pk, sk = _ITEM_KEYS[kind]
    return pk(*parts), sk
