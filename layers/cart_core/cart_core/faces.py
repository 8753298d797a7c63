"""The registry of faces: which API faces this service has, and the facts about each that code
outside the face needs (the local cloud, the sample events, fuzzing, the isolation matrices, the
webhook worker, the id codecs).

A face declares itself next to its code, in ``functions/<package>/face.py``, as one ``Face``; the
one registry entry is its package name in ``PACKAGES``. ``face.py`` imports nothing heavier than
this module (no boto3, no Powertools), so the layer and the local tools can read every face without
building its clients. How a new face joins: docs/testing.md, "How a new face joins".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from typing import Any

# (status, message) → the face's error body (cart_core.http.install_error_handlers sends it).
ErrorBody = Callable[[HTTPStatus, str], dict[str, Any]]
# (store, tenant_id, location_id, headers) → stores the credentials that make ``headers`` call the face
# as that tenant at that location (local/fixture.py, with demo_headers and acme_headers).
CredentialIssuer = Callable[[Any, str, str, Mapping[str, str]], None]

# API Gateway's own response header with its request id: every answer through the gateway carries it.
GATEWAY_REQUEST_ID_HEADER = "x-amzn-RequestId"
# Where a REST proxy event keeps API Gateway's request id (Powertools' correlation_paths.API_GATEWAY_REST).
GATEWAY_REQUEST_ID_PATH = "requestContext.requestId"


@dataclass(frozen=True)
class Correlation:
    """How a face names one request: the id its log lines carry as ``correlation_id`` (a JMESPath
    into the proxy event) and the response header that gives it back to the caller.

    When ``header`` is API Gateway's own (``x-amzn-RequestId``, BLAZE and LOKE) the gateway adds it
    and the face adds nothing; any other header (Fluid Pay's ``x-correlation-id``) is added by the
    face kit to every answer of the face, refusals and errors included (cart_core.http)."""

    header: str = GATEWAY_REQUEST_ID_HEADER
    id_path: str = GATEWAY_REQUEST_ID_PATH

    @property
    def added_by_gateway(self) -> bool:
        return self.header.lower() == GATEWAY_REQUEST_ID_HEADER.lower()


@dataclass(frozen=True)
class ContentPolicy:
    """Which request bodies a face reads, and how it refuses the others (cart_core.http.guard_request).

    A body is read when every Content-Type it carries is ``application/json`` or, with
    ``structured_suffix``, any ``application/*+json``, in a charset of ``charsets`` (or none); no
    Content-Type at all reads as JSON. Anything else is refused with ``unsupported_status`` in the
    face's error body (415 for BLAZE and LOKE; 400 for a vendor that answers every bad request so).
    Answers are always ``application/json``."""

    structured_suffix: bool = True
    charsets: tuple[str, ...] = ("utf-8", "utf8")
    unsupported_status: HTTPStatus = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    max_body_bytes: int = 64 * 1024  # the largest valid cart (100 lines with notes) is well under it
    # JSON numbers with a fraction read as exact Decimals (BLAZE's currency amounts), else as floats.
    exact_decimals: bool = False
    # Routes (API Gateway ``resource`` paths, e.g. an OAuth2 token endpoint: RFC 6749 §4.4.2) that also
    # read ``application/x-www-form-urlencoded`` bodies: the guard turns the form into the JSON object
    # of its fields (each once, RFC 6749 §3.2), so the route validates one shape either way.
    form_resources: tuple[str, ...] = ()


# The registry: one package under functions/ per face, in the order tools list them.
PACKAGES: tuple[str, ...] = ("blaze_cart", "loke_cart", "medusa_store", "newstore_shopping")


@dataclass(frozen=True)
class Face:
    """One API face, as the rest of the service sees it."""

    name: str  # short name; also the face's id codec in cart_core.ids.CODECS
    function: str  # the logical id of its function in template.yaml
    package: str  # functions/<package>/, and events/<package>/ for its sample events
    base_path: str  # what API Gateway routes before the app's own paths ("" for none)
    error_body: ErrorBody
    # Dev-only published credentials of the demo fixture (local/fixture.py creates them): how the
    # local cloud's harness calls this face as tenant demo (owner) and tenant acme (intruder).
    demo_headers: Mapping[str, str] = field(default_factory=dict)
    acme_headers: Mapping[str, str] = field(default_factory=dict)
    # Creates those credentials in the fixture (imports the admin tools only when called).
    issue_credentials: CredentialIssuer | None = None
    # Path parameters whose value names the caller's own tenant (LOKE's organizationId), as the
    # demo tenant: fuzzing them would only ever meet 404.
    demo_path_parameters: Mapping[str, str] = field(default_factory=dict)
    # The module that registers this face's webhook renderers (cart_core.renderers), if it has any.
    webhooks_module: str | None = None
    # Dev-only: the module (``functions/<package>/devkit.py``) with what the harness needs to exercise
    # this face: its fuzz seed and plan, its isolation table, its sample events and their named
    # answers, its lines in the local cloud's banner. The face's app never imports it; it imports
    # the harness (local/, tests/) only inside its functions, so it loads wherever the face does.
    devkit_module: str | None = None
    correlation: Correlation = field(default_factory=Correlation)
    content: ContentPolicy = field(default_factory=ContentPolicy)
    # Public routes (Medusa's storefront): its API has no authorizer, and the face itself resolves
    # the store from the stage's variables and who calls from the request (template.yaml checks).
    public: bool = False

    @property
    def codec(self) -> str:
        return self.name


def devkit(face: Face) -> Any:
    """The face's devkit module (``Face.devkit_module``): dev tools only, never the Lambda."""
    if face.devkit_module is None:
        raise LookupError(f"face {face.name} declares no devkit_module (functions/{face.package}/devkit.py)")
    return importlib.import_module(face.devkit_module)


@cache
def faces() -> tuple[Face, ...]:
    """Every registered face, read from its ``face.py``."""
    found = []
    for package in PACKAGES:
        face = importlib.import_module(f"{package}.face").FACE
        if not isinstance(face, Face) or face.package != package:
            raise TypeError(f"{package}.face.FACE must be a cart_core.faces.Face with package={package!r}")
        found.append(face)
    return tuple(found)


def by_function(logical_id: str) -> Face:
    for face in faces():
        if face.function == logical_id:
            return face
    raise LookupError(f"{logical_id} is not a registered face: add its package to cart_core.faces.PACKAGES")


def by_name(name: str) -> Face:
    for face in faces():
        if face.name == name:
            return face
    raise LookupError(f"no registered face is named {name!r}")
