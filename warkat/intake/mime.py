"""Reading an e-mail: sender, subject, date and its PDF attachments.

A message whose MIME structure is broken, that has no PDF, or whose PDF is not a
PDF raises a ``ValidationError`` with the reason recorded on the refused item."""

from __future__ import annotations

import datetime as dt
import email
import io
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.utils.translation import gettext_lazy as _

from warkat.intake import errors
from warkat.letters.files import CheckedFile, file_check

#: Defects that mean the structure cannot be trusted (a header typo is not one).
_FATAL = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)


@dataclass
class Headers:
    message_id: str = ""
    sender_email: str = ""
    sender_name: str = ""
    subject: str = ""
    sent_at: dt.datetime | None = None


@dataclass
class ParsedMail:
    headers: Headers
    pdfs: list[CheckedFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def headers_read(raw: bytes) -> Headers:
    """The headers of ``raw`` (a whole message or only its header), never raising."""
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
        return _headers(msg)  # type: ignore[arg-type]
    except Exception:
        return Headers()


def _headers(msg: EmailMessage) -> Headers:
    def text(name: str) -> str:
        try:
            return str(msg.get(name, "") or "").strip()
        except Exception:
            return ""

    pairs = getaddresses([text("From")])
    name, address = pairs[0] if pairs else ("", "")
    try:
        sent = parsedate_to_datetime(text("Date")) if text("Date") else None
        if sent is not None and sent.tzinfo is None:
            sent = sent.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError):
        sent = None
    return Headers(
        message_id=text("Message-ID")[:998],
        sender_email=address[:320],
        sender_name=name[:300],
        subject=text("Subject").replace("\n", " ")[:500],
        sent_at=sent,
    )


def mail_read(raw: bytes) -> ParsedMail:
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:
        raise errors.message_malformed(type(exc).__name__) from exc
    assert isinstance(msg, EmailMessage)
    parsed = ParsedMail(headers=_headers(msg))
    if not parsed.headers.sender_email:
        raise errors.message_malformed(_("it has no sender address"))
    for part in msg.walk():
        fatal = [d for d in part.defects if isinstance(d, _FATAL)]
        if fatal:
            raise errors.message_malformed(type(fatal[0]).__name__)
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        disposition = part.get_content_disposition()
        if not name and disposition != "attachment":
            continue  # the text of the e-mail
        ctype = part.get_content_type()
        if ctype != "application/pdf" and not name.lower().endswith(".pdf"):
            parsed.ignored.append(name or ctype)
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception as exc:
            raise errors.message_malformed(type(exc).__name__) from exc
        upload = io.BytesIO(bytes(data))
        upload.name = name or "lampiran.pdf"  # type: ignore[attr-defined]
        checked = file_check(upload=upload)  # type: ignore[arg-type]
        if checked.extension != "pdf":
            raise errors.message_malformed(_("an attachment named PDF is not a PDF"))
        parsed.pdfs.append(checked)
    if not parsed.pdfs:
        raise errors.message_without_pdf()
    return parsed
