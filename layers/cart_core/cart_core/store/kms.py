"""KMS adapter: data keys for envelope encryption (``cart_core.envelope``)."""

from __future__ import annotations

from typing import Any

from cart_core.store.clients import aws_client


class KmsKeyService:
    def __init__(self, key_id: str, client: Any = None) -> None:
        self.key_id = key_id
        # Bounded timeouts, and throttling or an outage raised as ServiceUnavailable (503), as for DynamoDB.
        self.client = aws_client("kms", client)

    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        response = self.client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256", EncryptionContext=context)
        return response["Plaintext"], response["CiphertextBlob"]

    def decrypt_data_key(self, encrypted_key: bytes, context: dict[str, str]) -> bytes:
        # KeyId pins the key: a ciphertext made under any other key is refused.
        response = self.client.decrypt(CiphertextBlob=encrypted_key, EncryptionContext=context, KeyId=self.key_id)
        return response["Plaintext"]
