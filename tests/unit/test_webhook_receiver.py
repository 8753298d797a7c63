"""The local webhook receiver (make invoke, make fuzz, tests) answers even a malformed request."""

from __future__ import annotations

import socket

import pytest

from local.webhook_receiver import WebhookReceiver


@pytest.mark.parametrize("length", ["abc", "-5", str(1 << 40)])
def test_a_bad_or_huge_content_length_is_answered_without_reading_it(length: str) -> None:
    # Given a receiver / When a request claims an unreadable or enormous body
    receiver = WebhookReceiver(status=204)
    port = int(receiver.url.split(":")[2].split("/")[0])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(f"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())
            answer = client.recv(1024)
        # Then it still answers, and records the request with no body
        assert answer.startswith(b"HTTP/1.0 204") or answer.startswith(b"HTTP/1.1 204")
        assert receiver.received[0][1] == b""
    finally:
        receiver.close()
