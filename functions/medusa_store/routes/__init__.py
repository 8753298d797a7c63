"""Medusa's /store routes by group, each group its own Powertools ``Router`` (app.py includes them):
carts and orders (medusa_carts), auth and customers (medusa_auth), regions, products and shipping
options (medusa_catalog)."""
