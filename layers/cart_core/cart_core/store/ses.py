"""SES adapter of the mail port (``cart_core.mail.Mailer``): SendEmail (SES v1 API) from the
configured sender (``MAIL_SENDER``, template.yaml's ``MailSender``; the function may send only
from that identity).

Imported by ``cart_core.runtime.mailer`` on the first message a process sends, never at init: only
the routes that mail something need the client.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from cart_core.errors import ServiceUnavailable
from cart_core.mail import MailMessage
from cart_core.store.clients import OUTAGE_RETRY_AFTER_SECONDS, aws_client

logger = logging.getLogger(__name__)


class SesMailer:
    def __init__(self, sender: str, client: Any = None) -> None:
        self.sender = sender
        # Bounded timeouts; throttling ("Throttling") and outages raised as ServiceUnavailable.
        self.client = aws_client("ses", client)

    def send(self, message: MailMessage) -> str:
        body: dict[str, Any] = {"Text": {"Data": message.text, "Charset": "UTF-8"}}
        if message.html is not None:
            body["Html"] = {"Data": message.html, "Charset": "UTF-8"}
        try:
            answer = self.client.send_email(
                Source=self.sender,
                Destination={"ToAddresses": [message.to]},
                Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"}, "Body": body},
            )
        except ClientError as refused:
            # Whatever else SES refuses (an unverified sender, a paused account, a sending quota)
            # is nothing the caller can fix and no bug of the request: the mail is not sent, the
            # caller may retry later (503), and an operator reads the code in the log.
            logger.error(
                "SES refused the message",
                extra={"error_code": refused.response.get("Error", {}).get("Code", "")},
            )
            raise ServiceUnavailable(
                "The mail service did not take the message; retry shortly", retry_after=OUTAGE_RETRY_AFTER_SECONDS
            ) from refused
        return str(answer.get("MessageId", ""))
