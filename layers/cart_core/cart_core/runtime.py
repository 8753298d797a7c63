"""Process-wide objects a Lambda builds once per cold start.

Each builder imports its adapter when first called, not at this module's import: every function
imports this module, and each uses only some of these objects (the authorizer only the store, a
face no queue, most nothing of KMS), so a function pays the import of what it uses only
(docs/architecture.md, Import discipline).

Under Lambda SnapStart what they built before the snapshot (clients, their credentials and
connections) is forgotten after each restore and built again when first needed (``forget``,
registered with cart_core.snapstart, which every function gets by importing this module).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from cart_core import snapstart
from cart_core.clock import Clock, system_clock

if TYPE_CHECKING:
    from cart_core.cart_tokens import TokenKeys
    from cart_core.config import Settings
    from cart_core.events.bus import EventBus
    from cart_core.events.queues import WorkQueue
    from cart_core.mail import Mailer
    from cart_core.store.dynamodb import DynamoStore
    from cart_core.store.table import DynamoTable
    from cart_core.usecases import UseCases
    from cart_core.usecases.subscriptions import SubscriptionService


@dataclass(frozen=True, slots=True)
class AuthSecrets:
    """The storefront's signing secrets (customer JWTs, session cookies)."""

    jwt_secret: str
    cookie_secret: str


def settings() -> Settings:
    """The environment's settings (cart_core.config), imported when first needed: config imports
    pydantic, which the authorizer does without."""
    from cart_core.config import settings as parsed

    return parsed()


# What ``clock()`` answers. A module variable, not a rebinding of ``clock`` itself: functions import
# ``clock`` by name, and a test that froze time by replacing the function would leave them holding the
# frozen one after it ends (the golden test froze the webhook worker's signatures for later tests).
process_clock: Clock = system_clock


def clock() -> Clock:
    """The one clock of this process (the system clock): the store, the use cases and the workers'
    own deadlines and signatures read it, so nothing else reads the time."""
    return process_clock


@lru_cache(maxsize=1)
def store() -> DynamoStore:
    from cart_core.store.dynamodb import DynamoStore

    return DynamoStore(settings().table_name, clock=clock())


def credential_table() -> DynamoTable:
    """The authorizer's credential lookup: the process's store when one is built (the local cloud and
    the tests, where every function shares a process: one client, and its injected faults), else the
    bare table, which spares the authorizer's cold start the domain models and pydantic."""
    if store.cache_info().currsize:
        return store()
    table_name = os.environ.get("TABLE_NAME", "")
    # Settings.table_name's rule (config.py): a name it would refuse goes through settings(), whose
    # ConfigurationError names the variable, as on every other function.
    if len(table_name) < 3:
        table_name = settings().table_name
    return _table(table_name)


@lru_cache(maxsize=4)
def _table(table_name: str) -> DynamoTable:
    from cart_core.store.table import DynamoTable

    return DynamoTable(table_name, clock=clock())


@lru_cache(maxsize=1)
def use_cases() -> UseCases:
    """The cart use cases by area (``use_cases().checkout.submit(...)``), over one unit of work."""
    from cart_core.usecases import compose

    return compose(store(), settings().order_retention_days, clock=clock())


@lru_cache(maxsize=1)
def event_bus() -> EventBus:
    from cart_core.events.bus import EventBus

    return EventBus(settings().require("event_bus_name").event_bus_name or "")


@lru_cache(maxsize=4)
def work_queue(queue_url: str) -> WorkQueue:
    from cart_core.events.queues import WorkQueue

    return WorkQueue(queue_url)


def subscription_service() -> SubscriptionService:
    config = settings()
    return _subscription_service(
        config.webhook_secret_key_id, config.allow_loopback_webhook_urls, config.aws_endpoint_url
    )


@lru_cache(maxsize=4)
def _subscription_service(
    key_id: str | None, allow_loopback: bool, aws_endpoint_url: str | None
) -> SubscriptionService:
    from cart_core.outbound import OutboundPolicy
    from cart_core.store.kms import KmsKeyService
    from cart_core.usecases.subscriptions import SubscriptionService

    keys = KmsKeyService(key_id) if key_id else None
    return SubscriptionService(store(), keys, OutboundPolicy(allow_loopback, aws_endpoint_url))


def auth_secrets() -> AuthSecrets:
    """The JWT and cookie secrets, read from Secrets Manager once per cold start (a rotated secret
    reaches new containers; the ARNs are the function's environment, never the values)."""
    config = settings().require("jwt_secret_id", "cookie_secret_id")
    return _auth_secrets(config.jwt_secret_id or "", config.cookie_secret_id or "")


@lru_cache(maxsize=4)
def _auth_secrets(jwt_secret_id: str, cookie_secret_id: str) -> AuthSecrets:
    # Imported here: only a face that signs customers in reads Secrets Manager.
    from cart_core.store.secrets import SecretReader

    reader = SecretReader()
    return AuthSecrets(reader.read(jwt_secret_id), reader.read(cookie_secret_id))


def cart_token_keys() -> TokenKeys:
    """The keys that seal and open cart tokens, read from Secrets Manager once per process (a
    rotated secret reaches new containers; docs/security.md, Cart tokens)."""
    return _cart_token_keys(settings().require("cart_token_secret_id").cart_token_secret_id or "")


@lru_cache(maxsize=4)
def _cart_token_keys(secret_id: str) -> TokenKeys:
    # Imported here: only a route that seals or opens a cart token needs cryptography's AEAD.
    from cart_core.cart_tokens import TokenKeys
    from cart_core.store.secrets import SecretReader

    return TokenKeys.from_secret(SecretReader().read(secret_id))


def mailer() -> Mailer | None:
    """The process's mailer, or None when the function has no sender configured (``MAIL_SENDER``):
    SES in AWS; in the local cloud (``MAIL_FOLDER`` set) SES in the emulator plus the mail folder."""
    config = settings()
    if not config.mail_sender:
        return None
    return _mailer(config.mail_sender, config.mail_folder)


@lru_cache(maxsize=4)
def _mailer(sender: str, folder: str | None) -> Mailer:
    # Imported here: only a route that sends mail needs the SES client.
    from cart_core.store.ses import SesMailer

    ses = SesMailer(sender)
    if not folder:
        return ses
    from cart_core.mail import CopyingMailer, FolderMailer

    return CopyingMailer(ses, FolderMailer(folder, sender))


# The environment variable naming the Secrets Manager secret (its ARN) that signs API clients' access
# tokens (cart_core.client_tokens): the NewStore face, which issues them, and the authorizer, which
# verifies them. Read from the environment directly: the authorizer does without pydantic's settings.
CLIENT_TOKEN_KEY_VARIABLE = "CLIENT_TOKEN_SECRET_ID"  # noqa: S105  # a variable name


def client_token_key() -> str:
    """The HS256 key of API clients' access tokens, read from Secrets Manager once per process (a
    rotated key reaches new containers; the environment holds the secret's ARN, never its value)."""
    secret_id = os.environ.get(CLIENT_TOKEN_KEY_VARIABLE, "")
    if not secret_id:
        from cart_core.errors import ServiceUnavailable

        # A misconfigured function: no caller is unauthorized because of it (503, never 401/403).
        raise ServiceUnavailable(f"{CLIENT_TOKEN_KEY_VARIABLE} is not set")
    return _client_token_key(secret_id)


@lru_cache(maxsize=4)
def _client_token_key(secret_id: str) -> str:
    from cart_core.store.secrets import SecretReader

    return SecretReader().read(secret_id)


@snapstart.on_restore
def forget() -> None:
    """Forget every object built here, so the next call builds it anew (with new clients)."""
    # The sign-in secrets too: a snapshot must not carry them into every restored copy.
    for cached in (
        store,
        _table,
        use_cases,
        event_bus,
        work_queue,
        _subscription_service,
        _auth_secrets,
        _cart_token_keys,
        _mailer,
        _client_token_key,
    ):
        cached.cache_clear()
