"""``manage.py webhook_receiver``: a local receiver that verifies and prints the
webhooks it gets (the demo's "SKPD app"). It verifies with the secrets of the
subscriptions pointing at its port (read from the database), or with ``--secret``;
``GET http://127.0.0.1:<port>/`` lists the last deliveries as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from warkat.tenancy.scope import all_tenants
from warkat.webhooks.keys import endpoint_secrets
from warkat.webhooks.models import Endpoint
from warkat.webhooks.receiver import Received, Receiver


class Command(BaseCommand):
    help = "Run a local webhook receiver that verifies signatures and prints events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8790)
        parser.add_argument(
            "--secret", action="append", default=[], help="whsec_… (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        secrets = list(options["secret"]) or self._secrets_for(port)
        receiver = Receiver(port=port, secrets=secrets)
        receiver.on_receive = self._print
        self.stdout.write(
            f"Webhook receiver on {receiver.url} "
            f"({len(secrets)} secret(s) to verify with)"
        )
        try:
            receiver.serve_forever()
        except KeyboardInterrupt:
            receiver.stop()

    def _secrets_for(self, port: int) -> list[str]:
        # All tenants on purpose: a local tool of the operator, reading only the
        # subscriptions that point at this very port.
        found: list[str] = []
        with all_tenants():
            for endpoint in Endpoint.objects.filter(url__contains=f":{port}/"):
                found.extend(endpoint_secrets(endpoint))
        return found

    def _print(self, item: Received) -> None:
        mark = "OK " if item.verified else "BAD"
        data = json.dumps(item.body.get("data", {}), ensure_ascii=False)[:300]
        self.stdout.write(
            f"[{mark}] {item.msg_id} t={item.timestamp} "
            f"{item.body.get('type', '?')} {data}"
        )
