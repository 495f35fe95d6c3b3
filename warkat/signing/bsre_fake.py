"""A local stand-in for the BSrE eSign Client (API v2) for tests and the demo.

It speaks the same HTTP protocol as the real service (Basic Auth, JSON bodies with
base64 files, the observed error shapes) and signs with its own test CA through
pyHanko, so Warkat's BSrE client is exercised over real HTTP. It listens on
127.0.0.1 only. ``manage.py bsre_fake --port N`` runs it for the demo.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from warkat.signing import keystore, pki

ORGANISATION = "Balai Sertifikasi Elektronik Uji"


@dataclass
class FakeUser:
    name: str
    passphrase: str
    key: rsa.RSAPrivateKey
    cert: Any


@dataclass
class FakeBsre:
    """The fake service. ``start()`` binds a free port (or ``port``)."""

    user: str = "warkat"
    password: str = "rahasia-bsre"
    port: int = 0
    users: dict[str, FakeUser] = field(default_factory=dict)
    #: (path, sorted body keys) of every request: what tests may look at.
    seen: list[tuple[str, list[str]]] = field(default_factory=list)
    sign_count: int = 0

    def __post_init__(self) -> None:
        urls = pki.PkiUrls(
            crl="http://127.0.0.1/crl",
            root_crl="http://127.0.0.1/root-crl",
            ocsp="http://127.0.0.1/ocsp",
            ca_issuer="http://127.0.0.1/ca",
            root_issuer="http://127.0.0.1/root",
        )
        self._urls = urls
        self.ca = pki.ca_build(organisation=ORGANISATION, urls=urls)
        self.timestamper = pki.TenantTimeStamper(
            tsa_cert=self.ca.tsa_cert,
            tsa_key=self.ca.tsa_key,
            chain=[self.ca.intermediate_cert, self.ca.root_cert],
        )
        self._server: ThreadingHTTPServer | None = None

    def register(self, *, identity: str, name: str, passphrase: str) -> None:
        """A signer known by NIK or e-mail, with a certificate from the test CA."""
        key = keystore.rsa_generate()
        cert = pki.signer_cert_build(
            subject=pki.SignerSubject(
                name=name, nip="", position="", organisation=ORGANISATION
            ),
            public_key_der=keystore.public_der(key),
            issuer_cert=self.ca.intermediate_cert,
            issuer_key=self.ca.intermediate_key,
            days=365,
            urls=self._urls,
        )
        self.users[identity] = FakeUser(name, passphrase, key, cert)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeBsre:
        fake = self

        class Handler(_Handler):
            service = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        fake = self

        class Handler(_Handler):
            service = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- operations ----------------------------------------------------------------

    def sign_pdf(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        identity = body.get("nik") or body.get("email") or ""
        user = self.users.get(identity)
        if user is None:
            return 400, {"status_code": 2011, "error": "User tidak terdaftar"}
        if body.get("passphrase") != user.passphrase:
            return 400, {"status_code": 2031, "error": "Passphrase anda salah"}
        files = body.get("file")
        if not isinstance(files, list) or not files:
            return 400, {"status_code": 2001, "error": "File tidak ditemukan"}
        props = (body.get("signatureProperties") or [{}])[0]
        signed = []
        for item in files:
            try:
                pdf = base64.b64decode(item, validate=True)
                signed.append(base64.b64encode(self._sign(pdf, user, props)).decode())
            except (binascii.Error, ValueError, Exception):
                # The real service answers an unreadable PDF with a bare 500.
                return 500, {"status": 500, "error": "Internal Server Error"}
        self.sign_count += 1
        return 200, {"time": 850, "file": signed}

    def _sign(self, pdf: bytes, user: FakeUser, props: dict[str, Any]) -> bytes:
        from PIL import Image
        from pyhanko.pdf_utils.images import PdfImage
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import TextStampStyle

        from warkat.signing.providers.tenant_ca import UnlockedKeySigner

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        visible = props.get("tampilan") == "VISIBLE"
        field_spec = None
        style = None
        if visible:
            x, y = int(props.get("originX", 0)), int(props.get("originY", 0))
            w, h = int(props.get("width", 150)), int(props.get("height", 60))
            field_spec = fields.SigFieldSpec(
                sig_field_name="BSrE",
                on_page=max(0, int(props.get("page", 1)) - 1),
                box=(x, y, x + w, y + h),
            )
            image_b64 = props.get("imageBase64")
            if image_b64:
                image = Image.open(io.BytesIO(base64.b64decode(image_b64)))
                style = TextStampStyle(
                    stamp_text=" ",
                    background=PdfImage(image),
                    background_opacity=1,
                    border_width=0,
                )
        signer = UnlockedKeySigner(
            key=user.key,
            cert=user.cert,
            chain=[self.ca.intermediate_cert, self.ca.root_cert],
        )
        out = io.BytesIO()
        signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name="BSrE",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=props.get("reason") or None,
                location=props.get("location") or None,
            ),
            signer=signer,
            timestamper=self.timestamper,
            stamp_style=style,
            new_field_spec=field_spec,
        ).sign_pdf(
            writer,
            output=out,
            bytes_reserved=signer.bytes_reserved(self.timestamper),
        )
        return out.getvalue()

    def verify_pdf(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        try:
            pdf = base64.b64decode(body.get("file") or "", validate=True)
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        except Exception:
            return 500, {"status": 500, "error": "Internal Server Error"}
        infos = []
        context = ValidationContext(
            trust_roots=[pki.asn1_cert(self.ca.root_cert)], allow_fetching=False
        )
        for n, sig in enumerate(reader.embedded_signatures, start=1):
            status = validate_pdf_signature(sig, context)
            infos.append(
                {
                    "id": n,
                    "fieldName": sig.field_name,
                    "signerName": sig.signer_cert.subject.human_friendly,
                    "signatureDate": (
                        status.signer_reported_dt or dt.datetime.now(dt.UTC)
                    ).isoformat(),
                    "integrityValid": bool(status.intact and status.valid),
                    "certificateTrusted": bool(status.trusted),
                    "signatureFormat": "PAdES-BASELINE-T",
                    "ltv": False,
                    "timestampInfomation": {
                        "present": status.timestamp_validity is not None
                    },
                }
            )
        conclusion = (
            "NO_SIGNATURE"
            if not infos
            else "VALID"
            if all(i["integrityValid"] and i["certificateTrusted"] for i in infos)
            else "INVALID"
        )
        return 200, {
            "signatureCount": len(infos),
            "conclusion": conclusion,
            "description": conclusion,
            "signatureInformations": infos,
        }

    def user_status(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        identity = body.get("nik") or body.get("email") or ""
        if identity in self.users:
            return 200, {"status_code": 1111, "message": "OK", "status": "ISSUE"}
        return 200, {
            "status_code": 2011,
            "message": "User tidak terdaftar",
            "status": "NOT_REGISTERED",
        }


class _Handler(BaseHTTPRequestHandler):
    service: FakeBsre
    routes = {
        "/api/v2/sign/pdf": "sign_pdf",
        "/api/v2/verify/pdf": "verify_pdf",
        "/api/v2/user/check/status": "user_status",
    }

    def log_message(self, format: str, *args: Any) -> None:
        # The default handler prints request lines to stderr; keep the test output
        # clean (bodies are never printed anyway).
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        expected = base64.b64encode(
            f"{self.service.user}:{self.service.password}".encode()
        ).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def do_POST(self) -> None:
        operation = self.routes.get(self.path)
        if operation is None:
            self._send(404, {"status": 404, "error": "Not Found", "path": self.path})
            return
        if not self._authorised():
            self._send(
                401,
                {
                    "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                    "status": 401,
                    "error": "Unauthorized",
                    "path": self.path,
                },
            )
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send(400, {"status_code": 2000, "error": "Invalid JSON"})
            return
        self.service.seen.append((self.path, sorted(body)))
        status, answer = getattr(self.service, operation)(body)
        self._send(status, answer)
