"""API Gateway REQUEST authorizer: turns a face's credentials into the tenant and location context.

Each face has its own REST API and credential convention: the API's stage variable ``authModel``
(template.yaml) tells which one applies, so one function serves every face's authorizer and nothing
here looks at the path. An API without a known model lets nobody in. Unknown or missing
credentials raise ``Unauthorized``, which API Gateway answers with 401. When the credential store
is throttled or unreachable the caller is not unauthorized, we just cannot tell: any other error
makes API Gateway answer AUTHORIZER_FAILURE, which template.yaml turns into 503 + Retry-After.

Cold start (issue #9: at most 1.2x a bare boto3 function): nothing here imports Powertools, pydantic
or the cart model. The event is read as the dict it is and the policy written as a dict, as
Powertools' ``APIGatewayAuthorizerResponse`` would (authorizer/policy.py, ~10 ms spared); logs and
the ColdStart metric are written on the standard library in Powertools' shapes
(authorizer/telemetry.py, ~30 ms spared); the credential lookup is the bare table
(``runtime.credential_table``). tests/unit/test_cold_start_imports.py keeps it so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from authorizer.policy import allow_all_routes, deny_all_routes
from authorizer.telemetry import Telemetry
from cart_core import credentials, snapstart
from cart_core.errors import ServiceUnavailable
from cart_core.runtime import clock, credential_table

# In Lambda's process for this handler (_HANDLER names it; not the local cloud's shared one) the
# garbage collector waits for the first invocation to answer (authorizer/telemetry.py).
observed = Telemetry(pause_gc=os.environ.get("_HANDLER", "").rpartition(".")[0] == __name__)
logger = observed.logger
snapstart.on_restore(observed.renew)  # a restored copy's first invocation is its cold start
# Under SnapStart, boto3's import and the client's models land in the snapshot (building the table
# calls nothing); cart_core.snapstart drops the client itself after a restore.
snapstart.before_snapshot(credential_table)

# The stage variable each face's API sets (template.yaml, Variables) to name its credential model.
AUTH_MODEL_VARIABLE = "authModel"


def _header(event: dict[str, Any], name: str) -> str | None:
    headers = {k.lower(): v for k, v in (event["headers"] or {}).items()}
    return headers.get(name.lower())


def _blaze_caller(event: dict[str, Any]) -> dict[str, str] | None:
    developer_key = _header(event, "Authorization")
    partner_key = (
        _header(event, "x-api-key")
        or _header(event, "partner_key")
        or (event["queryStringParameters"] or {}).get("partner_key")
    )
    if not developer_key or not partner_key:
        return None
    record = credential_table().get_credential(credentials.digest(developer_key))
    if not record or record.get("scheme") != "blaze":
        return None
    if not credentials.matches(partner_key, record["partner_key_digest"]):
        return None
    return {"tenantId": record["tenant_id"], "locationId": record["location_id"], "scheme": "blaze"}


def _loke_caller(event: dict[str, Any]) -> dict[str, str] | None:
    """LOKE: ``Authorization: Bearer <token>``; a token is valid for its organization's locations."""
    scheme, _, token = (_header(event, "Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    record = credential_table().get_credential(credentials.digest(token.strip()))
    if not record or record.get("scheme") != "loke":
        return None
    return {"tenantId": record["tenant_id"], "locationId": "*", "scheme": "loke"}


class Denied(Exception):
    """Credentials that are present but not valid: a Deny policy (403), not 401 (NewStore's rule)."""


def _newstore_caller(event: dict[str, Any]) -> dict[str, str] | None:
    """NewStore: ``Authorization: Bearer <access token>`` from ``POST /shopping/token`` (an HS256 JWT,
    cart_core.client_tokens). A missing header never reaches here (API Gateway answers 401 itself);
    anything else that is not a valid, unexpired token of ours is denied (403). PyJWT and the signing
    key are loaded only here, on the first NewStore request: the other faces' cold starts skip them."""
    from cart_core import client_tokens
    from cart_core.auth_tokens import TokenError
    from cart_core.runtime import client_token_key

    scheme, _, token = (_header(event, "Authorization") or "").partition(" ")
    if not scheme and not token:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise Denied("not a bearer token")
    try:
        claims = client_tokens.verify(token.strip(), client_token_key(), int(clock()()))
    except TokenError as error:
        raise Denied(str(error)) from None
    return {
        "tenantId": claims.tenant_id,
        "locationId": claims.location_id,
        "scheme": "newstore",
        "clientId": claims.client_id,
    }


MODELS: dict[str, Callable[[dict[str, Any]], dict[str, str] | None]] = {
    "blaze": _blaze_caller,
    "loke": _loke_caller,
    "newstore": _newstore_caller,
}


def _caller(event: dict[str, Any]) -> dict[str, str] | None:
    model = MODELS.get((event["stageVariables"] or {}).get(AUTH_MODEL_VARIABLE, ""))
    return model(event) if model else None


# Its logs' correlation id is API Gateway's request id, the one the face's function logs and the access log shows.
@observed.handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        caller = _caller(event)
    except Denied as error:
        logger.info("Denied credentials", extra={"path": event["path"], "reason": str(error)})
        return deny_all_routes(event["methodArn"], principal_id="denied")
    except ServiceUnavailable as error:
        logger.warning("Credential store unavailable", extra={"path": event["path"], "cause": repr(error.__cause__)})
        raise RuntimeError("Credential store unavailable") from error  # not "Unauthorized": no 401
    if caller is None:
        logger.info("Rejected credentials", extra={"path": event["path"]})
        raise Exception("Unauthorized")  # the exact message API Gateway maps to 401
    # Allow the whole stage: results may be cached per credential, and the caller's scope is
    # enforced by tenant-keyed storage, not by the route.
    return allow_all_routes(
        event["methodArn"], principal_id=f"{caller['tenantId']}/{caller['locationId']}", context=caller
    )
