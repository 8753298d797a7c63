"""The outbound URL policy (cart_core.outbound): what a webhook URL may reach, and how it is sent."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from cart_core import outbound
from cart_core.outbound import OutboundPolicy, RefusedUrl

PRODUCTION = OutboundPolicy()
LOCAL = OutboundPolicy(allow_loopback=True, aws_endpoint_url="http://127.0.0.1:5000")
PUBLIC_IP = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """A fake resolver: ``dns[name] = [addresses]``; unknown names do not resolve (no network in tests)."""
    answers: dict[str, list[str]] = {"hooks.example.com": [PUBLIC_IP]}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
            for a in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


HOSTILE = [
    ("https://169.254.169.254/latest/meta-data/", "metadata service"),
    ("https://[fd00:ec2::254]/latest/meta-data/", "metadata service, IPv6"),
    ("https://127.0.0.1/hooks", "loopback"),
    ("https://localhost/hooks", "localhost"),
    ("https://sub.localhost/hooks", "*.localhost"),
    ("https://[::1]/hooks", "IPv6 loopback"),
    ("https://0x7f000001/hooks", "hex IPv4"),
    ("https://2130706433/hooks", "decimal IPv4"),
    ("https://017700000001/hooks", "octal IPv4"),
    ("https://127.1/hooks", "short IPv4"),
    ("https://0177.0.0.1/hooks", "octal dotted IPv4"),
    ("https://[::ffff:127.0.0.1]/hooks", "IPv4-mapped loopback"),
    ("https://[::ffff:10.0.0.1]/hooks", "IPv4-mapped private"),
    ("https://[64:ff9b::a9fe:a9fe]/hooks", "NAT64 of the metadata address"),
    ("https://[2002:a00:1::]/hooks", "6to4 of 10.0.0.1"),
    ("https://10.1.2.3/hooks", "10/8"),
    ("https://172.16.0.1/hooks", "172.16/12"),
    ("https://172.31.255.255/hooks", "172.16/12, top"),
    ("https://192.168.1.1/hooks", "192.168/16"),
    ("https://100.64.0.1/hooks", "CGNAT 100.64/10"),
    ("https://0.0.0.0/hooks", "unspecified"),
    ("https://224.0.0.1/hooks", "multicast"),
    ("https://240.0.0.1/hooks", "reserved"),
    ("https://[fd00::1]/hooks", "unique local fd00::/8"),
    ("https://[fe80::1]/hooks", "IPv6 link-local"),
    ("https://user:pass@hooks.example.com/hooks", "credentials"),
    ("https://user@hooks.example.com/hooks", "user name"),
    ("http://hooks.example.com/hooks", "http in production"),
    ("ftp://hooks.example.com/hooks", "another scheme"),
    ("file:///etc/passwd", "file"),
    ("https://sqs.us-east-1.amazonaws.com/123/queue", "an AWS endpoint"),
    ("https://dynamodb.cn-north-1.amazonaws.com.cn/", "an AWS China endpoint"),
    ("https://unknown.example.com/hooks", "does not resolve"),
    ("https://hooks.example.com:99999/hooks", "bad port"),
    ("https://hooks.example.com/a b", "space"),
    ("https:///hooks", "no host"),
    ("https://" + "a" * 2100 + ".example.com/", "too long"),
]


@pytest.mark.parametrize(("url", "why"), HOSTILE, ids=[why for _, why in HOSTILE])
def test_production_refuses_hostile_urls(dns, url: str, why: str) -> None:
    # Given a hostile webhook URL, When it is vetted in production, Then it is refused
    with pytest.raises(RefusedUrl):
        outbound.vet(url, PRODUCTION)


@pytest.mark.parametrize(
    "private", ["10.0.0.7", "127.0.0.1", "169.254.169.254", "100.64.1.1", "::1", "fd00::5", "::ffff:192.168.0.1"]
)
def test_a_name_with_any_private_address_is_refused(dns, private: str) -> None:
    # Given a name that resolves to a public address and a private one
    dns["mixed.example.com"] = [PUBLIC_IP, private]
    # Then it is refused: a connection could land on either
    with pytest.raises(RefusedUrl):
        outbound.vet("https://mixed.example.com/hooks", PRODUCTION)


def test_a_public_https_url_is_accepted_with_its_addresses(dns) -> None:
    target = outbound.vet("https://Hooks.Example.com./pos/hook?x=1", PRODUCTION)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example.com",
        443,
        "/pos/hook?x=1",
    )
    assert target.addresses == (PUBLIC_IP,)


def test_the_aws_endpoint_is_refused_even_when_it_is_public(dns) -> None:
    dns["vpce.internal.example.com"] = [PUBLIC_IP]
    policy = OutboundPolicy(aws_endpoint_url="https://vpce.internal.example.com")
    with pytest.raises(RefusedUrl):
        outbound.vet("https://vpce.internal.example.com/other", policy)


def test_the_local_setting_allows_http_and_loopback_but_not_private_or_the_emulator(dns) -> None:
    assert outbound.vet("http://127.0.0.1:9000/hooks", LOCAL).addresses == ("127.0.0.1",)
    assert outbound.vet("http://[::1]:9000/hooks", LOCAL).addresses == ("::1",)
    for url in (
        "http://127.0.0.1:5000/",  # the AWS emulator itself
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f000001:9000/hooks",
        "http://user:pw@127.0.0.1:9000/hooks",
    ):
        with pytest.raises(RefusedUrl):
            outbound.vet(url, LOCAL)


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (200, "delivered"),
        (204, "delivered"),
        (301, "retry"),
        (302, "retry"),
        (307, "retry"),
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (400, "final"),
        (401, "final"),
        (404, "final"),
        (410, "final"),
    ],
)
def test_only_2xx_is_delivered_and_only_other_4xx_are_final(status: int, result: str) -> None:
    assert outbound.classify(status).result == result


class _Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers.items())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_the_request_goes_to_the_vetted_address_not_a_new_dns_answer(dns) -> None:
    # Given a name vetted while it resolved to loopback (allowed locally)
    receiver = _Receiver()
    try:
        dns["pos.test"] = ["127.0.0.1"]
        target = outbound.vet(f"http://pos.test:{receiver.port}/hooks?a=1", LOCAL)
        # When DNS changes before the connection (rebinding)
        dns["pos.test"] = ["10.9.9.9"]
        outcome = outbound.post(target, b"{}", {"Content-Type": "application/json"}, timeout=5)
        # Then the request still went to the vetted address, with the name as Host
        assert outcome.result == "delivered"
        ((path, headers),) = receiver.requests
        assert path == "/hooks?a=1" and headers["Host"] == f"pos.test:{receiver.port}"
    finally:
        receiver.server.shutdown()


def test_no_listener_is_a_retry_not_a_crash(dns) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    target = outbound.vet(f"http://127.0.0.1:{port}/", LOCAL)
    assert outbound.post(target, b"{}", {}, timeout=2).result == "retry"


def _certificate(tmp_path, name: str):
    """A CA and a server certificate for ``name``, signed by it (files for ssl)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    # Certificates as a public CA issues them: Python 3.13 (the Lambda runtime) verifies with
    # VERIFY_X509_STRICT, which refuses a CA without key usage and a leaf without an Authority Key
    # Identifier (3.11 accepts both).
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"


@pytest.mark.parametrize(("certificate_for", "result"), [("pos.test", "delivered"), ("elsewhere.test", "retry")])
def test_tls_to_the_pinned_address_verifies_the_certificate_for_the_hostname(
    dns, tmp_path, certificate_for: str, result: str
) -> None:
    import ssl

    # Given an HTTPS receiver on loopback whose certificate names ``certificate_for``
    ca, cert, key = _certificate(tmp_path, certificate_for)
    receiver = _Receiver()
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    receiver.server.socket = server_tls.wrap_socket(receiver.server.socket, server_side=True)
    try:
        # When a webhook for https://pos.test is sent to the vetted address
        dns["pos.test"] = ["127.0.0.1"]
        target = outbound.vet(f"https://pos.test:{receiver.port}/hooks", LOCAL)
        client_tls = ssl.create_default_context(cafile=str(ca))
        outcome = outbound.post(target, b"{}", {"Content-Type": "application/json"}, timeout=5, tls=client_tls)
        # Then it is delivered only if the certificate is valid for pos.test (SNI and Host name it)
        assert outcome.result == result, outcome.reason
        assert result == "delivered" or "CERTIFICATE_VERIFY_FAILED" in outcome.reason
        if result == "delivered":
            assert receiver.requests[0][1]["Host"] == f"pos.test:{receiver.port}"
    finally:
        receiver.server.shutdown()


class _DrippingServer:
    """Answers a full 200, one byte every ``pause`` seconds: each read is quick, the whole is not."""

    def __init__(self, pause: float) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.pause = pause
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            try:
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"x" * 40 + b"\r\n\r\n":
                    connection.sendall(bytes([byte]))
                    time.sleep(self.pause)
            except OSError:  # the client hung up
                pass


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_delivery_deadline(dns) -> None:
    # Given a receiver whose whole answer takes ~7 s though no single read waits more than 0.1 s
    server = _DrippingServer(pause=0.1)
    target = outbound.vet(f"http://127.0.0.1:{server.port}/", LOCAL)
    # When a delivery with a 1 s budget is made
    outcome = outbound.post(target, b"{}", {}, timeout=1)
    # Then it is abandoned as a retry, not waited out and counted as delivered
    assert outcome.result == "retry"
    server.listener.close()


def test_at_most_a_few_vetted_addresses_are_tried(monkeypatch) -> None:
    # Given a name that resolved to many addresses, none of which answers
    tried: list[str] = []

    def refuse(address: str, port: int, timeout: float) -> socket.socket:
        tried.append(address)
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(outbound, "_connect", refuse)
    target = outbound.Target("http", "pos.test", 80, "/", tuple(f"198.51.100.{i}" for i in range(1, 11)))
    # When a delivery is made / Then only the first MAX_ADDRESSES_TRIED are tried, and it is a retry
    assert outbound.post(target, b"{}", {}, timeout=5).result == "retry"
    assert tried == [f"198.51.100.{i}" for i in range(1, outbound.MAX_ADDRESSES_TRIED + 1)]
