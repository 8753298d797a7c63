"""Emulates DynamoDB's TTL service, which moto lacks: deletes items whose TTL has passed.

Like AWS, it is late on purpose (it runs every few seconds), so the service's own reads must keep
treating expired items as gone. This sweep is the emulator's, never the service's: it is the only
Scan in the repository and it runs only in the local cloud.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import boto3

log = logging.getLogger("local.ttl")


class TtlReaper(threading.Thread):
    def __init__(self, table_name: str, ttl_attribute: str) -> None:
        super().__init__(daemon=True, name="ttl-reaper")
        self.table_name, self.ttl_attribute = table_name, ttl_attribute
        self.interval = float(os.environ.get("LOCAL_TTL_REAPER_SECONDS", "5"))
        self.client = boto3.client("dynamodb")
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.sweep()
            except Exception:
                log.exception("TTL sweep failed")

    def sweep(self) -> int:
        now = str(int(time.time()))
        deleted = 0
        for page in self.client.get_paginator("scan").paginate(
            TableName=self.table_name,
            FilterExpression="#ttl <= :now",
            ExpressionAttributeNames={"#ttl": self.ttl_attribute},
            ExpressionAttributeValues={":now": {"N": now}},
            ProjectionExpression="pk, sk",
        ):
            for key in page["Items"]:
                self.client.delete_item(TableName=self.table_name, Key=key)
                deleted += 1
        return deleted
