"""Who the storefront customer is: Medusa authenticates every /store route optionally, from the
``connect.sid`` session cookie or a Bearer JWT (``{customer_id, domain: "store"}``); an invalid or
missing one makes the request a guest's, never a 401.

Owner: medusa_auth (customers, sessions, JWT). Until it lands, every request is a guest's.
"""

from __future__ import annotations

from typing import Any


def customer_of(event: Any) -> str | None:
    """The signed-in customer's id (``cus_…``) of this request, or None for a guest."""
    return None
