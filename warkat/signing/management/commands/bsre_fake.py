"""Run the local fake BSrE eSign Client (API v2) for the demo: ``manage.py bsre_fake``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from warkat.signing.bsre_fake import FakeBsre


class Command(BaseCommand):
    help = "Run a local fake BSrE eSign Client (API v2) on 127.0.0.1 for the demo."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument("--user", default="warkat")
        parser.add_argument("--password", default="rahasia-bsre")
        parser.add_argument(
            "--signer",
            action="append",
            default=[],
            metavar="NIK_OR_EMAIL:PASSPHRASE:NAME",
            help="A signer the fake knows (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fake = FakeBsre(
            user=options["user"], password=options["password"], port=options["port"]
        )
        for spec in options["signer"]:
            identity, passphrase, name = [*spec.split(":", 2), "", ""][:3]
            fake.register(
                identity=identity, passphrase=passphrase, name=name or identity
            )
        self.stdout.write(
            f"Fake BSrE on http://127.0.0.1:{options['port']} "
            f"(set WARKAT_BSRE_URL, WARKAT_BSRE_USER={options['user']}, "
            f"WARKAT_BSRE_PASSWORD); {len(fake.users)} signer(s). Ctrl-C stops it."
        )
        try:
            fake.serve_forever()
        except KeyboardInterrupt:
            fake.stop()
