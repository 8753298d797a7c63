"""The one authorizer function serves every face's API: the API's stage variable ``authModel`` picks
the credential convention (template.yaml), never the request path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cart_core.faces import faces
from local.samples import EVENTS
from tests.conftest import TEMPLATE

SAMPLE = json.loads((EVENTS / "authorizer" / "blaze_request.json").read_text())


def event(model: str | None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The sample BLAZE request (path /api/v1/partner/store/cart/active) on an API whose stage says
    ``model`` (None: a stage without variables)."""
    built = copy.deepcopy(SAMPLE)
    built["stageVariables"] = None if model is None else {"authModel": model}
    if headers is not None:
        built["headers"] = headers
        built["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    return built


def test_the_sample_is_allowed_on_the_api_declaring_the_blaze_model(api) -> None:
    result = api.runtime.invoke("AuthorizerFunction", event("blaze"))
    assert result["context"] == {"tenantId": "demo", "locationId": "main", "scheme": "blaze"}


@pytest.mark.parametrize("model", [None, "loke", "medusa"])
def test_blaze_credentials_are_refused_where_the_api_does_not_declare_blaze(api, model: str | None) -> None:
    # Given valid BLAZE credentials on a BLAZE path / When the API names another model, or none
    # Then the answer is API Gateway's 401 (the path does not choose the model)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        api.runtime.invoke("AuthorizerFunction", event(model))


def test_the_loke_model_reads_a_bearer_token_whatever_the_path(api) -> None:
    result = api.runtime.invoke("AuthorizerFunction", event("loke", {"Authorization": "Bearer demo-pos-token"}))
    assert result["context"] == {"tenantId": "demo", "locationId": "*", "scheme": "loke"}


@pytest.mark.parametrize("face", [f for f in faces() if not f.public], ids=lambda face: face.name)
def test_each_face_api_names_a_model_that_lets_the_faces_demo_credentials_in(api, face) -> None:
    # (A public face, Medusa's, has no authorizer: the face reads its own store and caller.)
    # Given the model the face's API declares (template.yaml) and the face's demo credentials
    api_id = TEMPLATE.api_of_function(face.function)
    model = TEMPLATE.api(api_id)["Variables"]["authModel"]
    # When the authorizer is asked / Then it allows them, as the demo tenant
    result = api.runtime.invoke("AuthorizerFunction", event(model, dict(face.demo_headers)))
    assert result["context"]["tenantId"] == "demo" and result["context"]["scheme"] == face.name


# ----- NewStore: access tokens from POST /shopping/token (cart_core.client_tokens) -------------


def _newstore_token(**changes: Any) -> str:
    import time

    import jwt

    from cart_core import client_tokens
    from local.resources import dev_secret

    now = int(time.time())
    claims = {"iss": client_tokens.ISSUER, "aud": client_tokens.AUDIENCE, "sub": "acme-newstore-client",
              "tenant": "acme", "location": "main", "iat": now, "exp": now + 600}  # fmt: skip
    key = changes.pop("key", dev_secret("ClientTokenSecret"))
    claims.update(changes)
    return str(jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="HS256"))


def test_the_newstore_model_gives_the_tokens_tenant_store_and_client(api) -> None:
    result = api.runtime.invoke(
        "AuthorizerFunction", event("newstore", {"Authorization": f"Bearer {_newstore_token()}"})
    )
    assert result["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert result["context"] == {
        "tenantId": "acme", "locationId": "main", "scheme": "newstore", "clientId": "acme-newstore-client",
    }  # fmt: skip


def test_the_newstore_model_without_a_header_is_401(api) -> None:
    # (API Gateway answers a missing identity source itself; a header-less call reaching the function
    # is answered as unauthorized, never allowed)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        api.runtime.invoke("AuthorizerFunction", event("newstore", {}))


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda: f"Bearer {_newstore_token(key='x' * 64)}", id="forged"),
        pytest.param(lambda: f"Bearer {_newstore_token(exp=1)}", id="expired"),
        pytest.param(lambda: f"Bearer {_newstore_token(location=None)}", id="no-location"),
        pytest.param(lambda: "Bearer demo-pos-token", id="another-faces-token"),
        pytest.param(lambda: "Token abc", id="another-scheme"),
    ],
)
def test_the_newstore_model_denies_a_bad_token_403(api, authorization) -> None:
    result = api.runtime.invoke("AuthorizerFunction", event("newstore", {"Authorization": authorization()}))
    assert result["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert "context" not in result


def test_a_newstore_token_is_refused_by_the_other_models(api) -> None:
    headers = {"Authorization": f"Bearer {_newstore_token()}"}
    for model in ("blaze", "loke"):
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            api.runtime.invoke("AuthorizerFunction", event(model, headers))
