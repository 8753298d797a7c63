"""Medusa's /store routes by group, each group its own Powertools ``Router`` (app.py includes them):
carts and orders (medusa_carts), auth and customers (medusa_auth), regions, products and shipping
options (medusa_catalog).

No ``from __future__ import annotations`` in these modules (nor in store.py, whose ``medusa_caller`` is
a dependency), on purpose: Powertools resolves ``Depends`` with ``typing.get_type_hints`` on every
request, and string annotations are compiled and evaluated again each time (blaze_cart/routes.py)."""
