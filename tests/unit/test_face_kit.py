"""The face kit (cart_core.http) applies what a face declares in its registry entry: its correlation
header and its content policy. A made-up face ("probe") shows each knob; BLAZE and LOKE keep theirs.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from cart_core.faces import GATEWAY_REQUEST_ID_HEADER, ContentPolicy, Correlation, Face, by_name
from cart_core.http import JsonAnswer, face_app, json_answer, serve
from cart_core.limits import JsonObject
from cart_core.observability import Observability
from local.runtime import LambdaContext

router = Router()


@router.post("/echo")
def echo() -> dict[str, Any]:
    return {"amount": router.current_event.json_body["amount"]}


def probe_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    return {"status": "failed", "msg": message, "data": None}


def probe_face(**declared: Any) -> Face:
    return Face(
        name="probe", function="ProbeFunction", package="probe", base_path="/api", error_body=probe_error, **declared
    )


def call(face: Face, body: str = '{"amount": 1.10}', content_type: str = "application/json", path: str = "/api/echo"):
    app = face_app(face, router)
    handler = Observability(service="probe").handler(face.correlation.id_path)(lambda e, c: serve(app, e, c))
    event = {
        "httpMethod": "POST",
        "path": path,
        "resource": path,
        "headers": {"Content-Type": content_type},
        "multiValueHeaders": {"Content-Type": [content_type]},
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {"requestId": "req-42", "stage": "dev", "httpMethod": "POST", "path": path},
    }
    context = LambdaContext("probe", 128, 3, "lambda-req", "arn:aws:lambda:us-east-1:123456789012:function:probe")
    answer = handler(event, context)
    headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    headers.update({k.lower(): v[0] for k, v in (answer.get("multiValueHeaders") or {}).items()})
    return answer["statusCode"], headers, json.loads(answer["body"])


def test_a_face_whose_header_is_not_the_gateways_gets_it_on_every_answer() -> None:
    # Given a face that returns its request id as x-correlation-id (Fluid Pay's convention)
    face = probe_face(correlation=Correlation(header="x-correlation-id"))
    # When it answers a success, a routing error and a refusal before routing
    answers = [call(face), call(face, path="/api/nope"), call(face, content_type="text/plain")]
    # Then each carries the request id under that header
    assert [status for status, _, _ in answers] == [200, 404, 415]
    assert all(headers["x-correlation-id"] == "req-42" for _, headers, _ in answers)


def test_a_face_on_the_gateways_header_adds_none_itself() -> None:
    # Given BLAZE's and LOKE's declaration: API Gateway's x-amzn-RequestId, which the gateway adds
    assert by_name("blaze").correlation == by_name("loke").correlation == Correlation()
    assert Correlation().header == GATEWAY_REQUEST_ID_HEADER
    # When a face so declared answers / Then the function's answer has no correlation header (wire unchanged)
    _, headers, _ = call(probe_face())
    assert GATEWAY_REQUEST_ID_HEADER.lower() not in headers and "x-correlation-id" not in headers


def test_the_unsupported_content_type_status_is_the_faces() -> None:
    # Given a face whose vendor answers every bad request with 400
    face = probe_face(content=ContentPolicy(unsupported_status=HTTPStatus.BAD_REQUEST))
    # When a form is sent / Then 400 in its error body
    status, _, body = call(face, body="amount=1", content_type="application/x-www-form-urlencoded")
    assert status == 400 and body["status"] == "failed" and "application/json" in body["msg"]
    # And BLAZE and LOKE keep 415
    assert by_name("blaze").content.unsupported_status == by_name("loke").content.unsupported_status == 415


@pytest.mark.parametrize(("suffix", "expected"), [(True, 200), (False, 415)])
def test_structured_json_media_types_are_read_only_when_the_face_says_so(suffix: bool, expected: int) -> None:
    face = probe_face(content=ContentPolicy(structured_suffix=suffix))
    assert call(face, content_type="application/vnd.api+json")[0] == expected


def test_exact_decimals_are_the_faces_choice() -> None:
    # Given the same body 1.10 / Then a face reading exact decimals holds Decimal("1.10") (which this
    # probe's echo serializes as Powertools does a Decimal, "1.10"), another the float 1.1
    assert call(probe_face(content=ContentPolicy(exact_decimals=True)))[2] == {"amount": "1.10"}
    assert call(probe_face())[2] == {"amount": 1.1}
    assert by_name("blaze").content.exact_decimals and not by_name("loke").content.exact_decimals


def test_the_body_limit_is_the_faces() -> None:
    face = probe_face(content=ContentPolicy(max_body_bytes=16))
    status, _, body = call(face, body='{"amount": 1, "memo": "more than sixteen bytes"}')
    assert status == 413 and body["msg"].startswith("The body is")


class Address(JsonObject):
    street: str
    city: str | None = None


@router.post("/addressed")
def addressed(body: Annotated[Address, Body()]) -> dict[str, Any]:
    return {"amount": 1}


def test_route_arguments_reach_the_debug_log_without_the_clients_data(caplog: pytest.LogCaptureFixture) -> None:
    # Given Powertools' resolver logging at debug level (it formats each route's arguments on every
    # request, whatever the level)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools.event_handler.api_gateway")
    # When a body model carrying an address is routed
    status, _, _ = call(probe_face(), body='{"street": "1 Secret Lane"}', path="/api/addressed")
    # Then the message names the model and the fields sent, not what the client wrote
    assert status == 200
    messages = [r.getMessage() for r in caplog.records if "Calling API Route Handler" in r.getMessage()]
    assert messages and "Address(sent: street)" in messages[0]
    assert "Secret Lane" not in caplog.text


SAMPLE_BODY = {"a": 1.1, "b": [1, 2.5, None, True], "c": {"é": 'ünï "q"', "n": 10**17}, "d": 0.30000000000000004}


@router.get("/as-dict")
def as_dict() -> dict[str, Any]:
    return SAMPLE_BODY


@router.get("/as-answer")
def as_answer() -> JsonAnswer:
    return json_answer(SAMPLE_BODY)


def test_a_pre_serialised_answer_is_what_powertools_writes_for_the_dict() -> None:
    # Given the same body returned as a dict (Powertools validates and encodes it) and as a json_answer
    app = face_app(probe_face(), router)

    def get(path: str) -> dict[str, Any]:
        event = {"httpMethod": "GET", "path": path, "resource": path, "headers": {}, "requestContext": {}}
        return app.resolve(event, None)

    # When both are answered / Then status, headers and body bytes are the same
    assert get("/api/as-answer") == get("/api/as-dict")
