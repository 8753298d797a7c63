"""/store/auth*: log in (session cookie ``connect.sid``), session, log out, email exists, JWT token.

Owner: medusa_auth (fills this router)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

router = Router()
