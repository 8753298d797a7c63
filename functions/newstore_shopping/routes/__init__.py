"""NewStore's routes by group, each group its own Powertools ``Router`` (app.py includes them): carts
(create, read, update), auth (the OAuth2 token endpoint), shipping (shipping solutions), tokens (cart
tokens), documents (receipts and their mail).

No ``from __future__ import annotations`` in these modules, on purpose: Powertools resolves
``Depends`` with ``typing.get_type_hints`` on every request, and string annotations are compiled and
evaluated again each time (blaze_cart/routes.py)."""
