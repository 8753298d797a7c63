"""The local cloud's HTTP side: the gateway and the API docs as one WSGI app, served by waitress.

waitress (a maintained pure-Python WSGI server) handles the HTTP itself: a listen backlog that
absorbs bursts of new connections, a pool of request threads, no body on HEAD, and a 400 for a
malformed ``Content-Length`` instead of waiting for a body that never comes.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from local.gateway import REQUEST_ID_HEADER, Gateway
from local.runtime import FunctionRuntime
from local.template import Template

access_log = logging.getLogger("local.access")

# A query parameter whose name looks like a credential is never written to a log.
SECRET_PARAMETER = re.compile(r"key|token|secret|passw|signature|credential|auth", re.IGNORECASE)
REDACTED = "REDACTED"
# Not allowed in a WSGI response (the server owns the connection), so never passed through.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}  # fmt: skip
DOCS_PREFIX, OPENAPI_PREFIX = "/_docs", "/_openapi/"

StartResponse = Callable[..., Any]


def redact_query(query: str) -> str:
    """The query string with the value of every credential-like parameter replaced."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, REDACTED if SECRET_PARAMETER.search(name) else value) for name, value in pairs])


def loggable_path(path: str, query: str) -> str:
    redacted = redact_query(query)
    return f"{path}?{redacted}" if redacted else path


# ``name=value`` in a query string inside any log line, where the name looks like a credential.
_SECRET_IN_TEXT = re.compile(
    r"(?P<name>[?&;](?:[^=&\s]*?)(?:key|token|secret|passw|signature|credential|auth)[^=&\s]*=)[^&\s\"']*",
    re.IGNORECASE,
)


class RedactSecrets(logging.Filter):
    """A log filter: any URL query parameter named like a credential loses its value."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_IN_TEXT.sub(lambda m: m["name"] + REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class ApiDocs:
    """Each face's OpenAPI document and a Swagger UI page for it, outside the API's own routes."""

    def __init__(self, template: Template, runtime: FunctionRuntime) -> None:
        from local.openapi import api_functions

        self.runtime = runtime
        self.faces = api_functions(template)
        self._documents: dict[str, bytes] = {}

    def document(self, logical_id: str) -> bytes:
        if logical_id not in self._documents:
            from local.openapi import openapi_document

            self._documents[logical_id] = json.dumps(openapi_document(self.runtime, logical_id)).encode()
        return self._documents[logical_id]

    def handle(self, path: str, query: str) -> tuple[int, dict[str, str], bytes] | None:
        if path.startswith(OPENAPI_PREFIX) and path.endswith(".json"):
            face = path.removeprefix(OPENAPI_PREFIX).removesuffix(".json")
            return self._json(face)
        if path in (DOCS_PREFIX, f"{DOCS_PREFIX}/"):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, self._index()
        if path.startswith(f"{DOCS_PREFIX}/assets/"):
            return self._asset(path.removeprefix(f"{DOCS_PREFIX}/assets/"))
        if path.startswith(f"{DOCS_PREFIX}/"):
            face = path.removeprefix(f"{DOCS_PREFIX}/")
            if "format=json" in query.split("&"):  # the address Swagger UI shows for the document
                return self._json(face)
            return self._swagger_ui(face)
        return None

    def _json(self, face: str) -> tuple[int, dict[str, str], bytes]:
        if face not in self.faces:
            return 404, {"Content-Type": "application/json"}, b'{"message": "No such API"}'
        return 200, {"Content-Type": "application/json"}, self.document(face)

    def _index(self) -> bytes:
        items = "".join(
            f'<li><a href="{DOCS_PREFIX}/{face}">{face}</a> (<a href="{OPENAPI_PREFIX}{face}.json">OpenAPI</a>)</li>'
            for face in self.faces
        )
        return f"<!DOCTYPE html><html><head><title>API docs</title></head><body><ul>{items}</ul></body></html>".encode()

    def _swagger_ui(self, face: str) -> tuple[int, dict[str, str], bytes]:
        from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

        if face not in self.faces:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"No such API"
        spec = self.document(face).decode().replace("</", "<\\/")
        assets = f"{DOCS_PREFIX}/assets"
        html = generate_swagger_html(
            spec, f"{assets}/swagger-ui-bundle.min.js", f"{assets}/swagger-ui.min.css", assets, None
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()

    def _asset(self, name: str) -> tuple[int, dict[str, str], bytes]:
        """Swagger UI's script and style, as Powertools ships them (no CDN needed)."""
        from aws_lambda_powertools.event_handler.openapi import swagger_ui

        types = {"swagger-ui-bundle.min.js": "text/javascript", "swagger-ui.min.css": "text/css"}
        if name not in types:
            return 404, {"Content-Type": "text/plain"}, b"Not found"
        body = (Path(swagger_ui.__file__).parent / name).read_bytes()
        return 200, {"Content-Type": types[name], "Cache-Control": "max-age=3600"}, body


def wsgi_app(
    gateway: Gateway, docs: ApiDocs | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """API Gateway in front of the functions (and the docs pages), as a WSGI app."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ["REQUEST_METHOD"]
        path, query = environ.get("PATH_INFO", "") or "/", environ.get("QUERY_STRING", "")
        status, payload = 500, b'{"message": "Internal server error"}'
        headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
        try:
            answered: Any = docs.handle(path, query) if docs and method in ("GET", "HEAD") else None
            if answered is not None:
                answered = (answered[0], list(answered[1].items()), answered[2])
            if answered is None:
                # API Gateway routes on the path as sent; WSGI hands it over percent-decoded.
                raw_path = environ.get("REQUEST_URI") or quote(path.encode("latin-1")) + (f"?{query}" if query else "")
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length > 0 else b""
                answered = gateway.handle_multi(method, raw_path, _request_headers(environ), body)
            status, headers, payload = answered
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s",
                access_line(method, loggable_path(path, query), status, elapsed_ms, environ, dict(headers), payload),
            )
        out = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
        out.append(("Content-Length", str(len(payload))))
        start_response(f"{status} {_reason(status)}", out)
        # HEAD: the headers GET would have (Content-Length included), never the body; waitress
        # leaves that to the app.
        return [] if method == "HEAD" else [payload]

    return app


def access_line(
    method: str,
    path: str,
    status: int,
    elapsed_ms: float,
    environ: dict[str, Any],
    response_headers: dict[str, str],
    payload: bytes,
) -> str:
    """``METHOD path STATUS LATENCYms id=<requestId> [client_id=<id>] [reason="…"]``.

    ``id`` is API Gateway's request id, the correlation id in the authorizer's and the function's
    logs (Powertools ``correlation_id_path=API_GATEWAY_REST``) and the ``x-amzn-RequestId`` response
    header; ``client_id`` is the caller's own ``X-Correlation-Id`` / ``X-Request-Id`` if it sent one.
    On a 4xx/5xx, ``reason`` is the ``message`` of the face's error body, bounded, with any credential
    the request carried blanked out."""
    request_id = next((v for k, v in response_headers.items() if k.lower() == REQUEST_ID_HEADER.lower()), "-")
    line = f"{method} {path} {status} {elapsed_ms:.1f}ms id={request_id}"
    client_id = environ.get("HTTP_X_CORRELATION_ID") or environ.get("HTTP_X_REQUEST_ID")
    if client_id:
        line += f" client_id={_bounded(client_id, MAX_CLIENT_ID)}"
    if status >= 400:
        reason = error_reason(payload)
        if reason:
            reason = _without_credentials(reason, environ)
            reason = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
            line += f" reason={json.dumps(reason, ensure_ascii=False)}"
    return line


MAX_REASON, MAX_CLIENT_ID = 200, 64
_UNPRINTABLE = re.compile(r"[^\x21-\x7e]")


def error_reason(payload: bytes) -> str | None:
    """The error body's ``message`` (BLAZE's and LOKE's bodies and API Gateway's own all have one)."""
    try:
        message = json.loads(payload).get("message")
    except (ValueError, AttributeError):
        return None
    if not isinstance(message, str) or not message:
        return None
    return " ".join(message.split())  # one line


def _without_credentials(text: str, environ: dict[str, Any]) -> str:
    """A face may echo input in its message; the request's own credentials never reach the log."""
    for name in ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY", "HTTP_PARTNER_KEY"):
        value = environ.get(name, "")
        for secret in (value, value.partition(" ")[2]):  # "Bearer <token>": the token alone too
            if len(secret) >= 6:
                text = text.replace(secret, REDACTED)
    for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        if SECRET_PARAMETER.search(name) and len(value) >= 6:
            text = text.replace(value, REDACTED)
    return text


def _bounded(value: str, limit: int) -> str:
    """A client-sent value, safe on one log line: printable ASCII without spaces, at most ``limit``."""
    return _UNPRINTABLE.sub("?", value)[:limit]


def _request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers as the client sent them: names in their own case, a repeated header
    once per line (API Gateway's ``multiValueHeaders``). waitress joins repeated headers with ", "
    in the WSGI environ, so :class:`_RawHeaderParser` keeps the lines aside; without it (another
    WSGI server) the environ's joined values are used."""
    raw = environ.get(f"HTTP_{RAW_HEADERS_KEY}")
    if raw is not None:
        return [(name, value) for name, value in json.loads(raw)]
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").title(), value))
    return headers


RAW_HEADERS_KEY = "LOCAL_CLOUD_RAW_HEADER_LINES"


def _raw_header_channel() -> Any:
    """A waitress channel whose request parser also records each header line as sent."""
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser, get_header_lines

    class _RawHeaderParser(HTTPRequestParser):
        def parse_header(self, header_plus: bytes) -> None:
            super().parse_header(header_plus)
            pairs = []
            for line in get_header_lines(header_plus[header_plus.find(b"\r\n") + 2 :]):
                name, _, value = line.partition(b":")
                if b"_" in name:  # waitress drops these (header smuggling); so do we
                    continue
                pairs.append((name.decode("latin-1").strip(), value.strip(b" \t").decode("latin-1")))
            # After parsing, so a client header of the same name is replaced, never trusted.
            self.headers[RAW_HEADERS_KEY] = json.dumps(pairs)

    class _RawHeaderChannel(HTTPChannel):
        parser_class = _RawHeaderParser

    return _RawHeaderChannel


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class HttpServer:
    """waitress on ``host:port`` in a background thread (``port`` 0 picks a free one)."""

    def __init__(self, app: Any, host: str, port: int, threads: int = 64, backlog: int = 1024) -> None:
        import waitress

        self._server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            backlog=backlog,
            ident="local-cloud",
            clear_untrusted_proxy_headers=True,
        )
        self._server.channel_class = _raw_header_channel()
        self.port: int = self._server.effective_port

    def start(self) -> HttpServer:
        import threading

        threading.Thread(target=self._server.run, daemon=True, name="local-api").start()
        return self

    def stop(self) -> None:
        self._server.close()
