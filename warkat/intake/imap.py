"""Talking to an IMAP server (stdlib ``imaplib``): the work module of mail-in.

Reads only: messages are fetched with ``BODY.PEEK`` (not marked as read) and never
deleted; which ones were imported is kept in Warkat (``Mailbox.last_uid`` and the
Message-ID of each item)."""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from warkat.intake import errors

_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_UID = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    use_tls: bool
    username: str
    password: str
    folder: str
    timeout: int


class Session:
    def __init__(self, client: imaplib.IMAP4, uidvalidity: int) -> None:
        self.client = client
        self.uidvalidity = uidvalidity

    def new_uids(self, after: int) -> list[tuple[int, int]]:
        """(uid, RFC822.SIZE) of the messages with a UID above ``after``, in order."""
        status, data = self.client.uid("FETCH", f"{after + 1}:*", "(UID RFC822.SIZE)")
        if status != "OK":
            raise errors.mailbox_unreachable("FETCH")
        found: list[tuple[int, int]] = []
        for line in data:
            raw = line[0] if isinstance(line, tuple) else line
            if not isinstance(raw, bytes):
                continue
            uid, size = _UID.search(raw), _SIZE.search(raw)
            # "n:*" names the last message even when its UID is below n.
            if uid and size and int(uid.group(1)) > after:
                found.append((int(uid.group(1)), int(size.group(1))))
        return sorted(found)

    def header(self, uid: int) -> bytes:
        return self._fetch(uid, "BODY.PEEK[HEADER]")

    def message(self, uid: int) -> bytes:
        return self._fetch(uid, "BODY.PEEK[]")

    def _fetch(self, uid: int, part: str) -> bytes:
        status, data = self.client.uid("FETCH", str(uid), f"({part})")
        if status != "OK":
            raise errors.mailbox_unreachable("FETCH")
        for line in data:
            if isinstance(line, tuple) and len(line) == 2:
                return bytes(line[1])
        return b""


@contextmanager
def session(account: Account) -> Iterator[Session]:
    """Signed in to ``account`` with its folder selected (read-only)."""
    try:
        if account.use_tls:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host,
                account.port,
                ssl_context=ssl.create_default_context(),
                timeout=account.timeout,
            )
        else:
            client = imaplib.IMAP4(account.host, account.port, timeout=account.timeout)
    except (TimeoutError, OSError, imaplib.IMAP4.error) as exc:
        raise errors.mailbox_unreachable(type(exc).__name__) from exc
    try:
        try:
            client.login(account.username, account.password)
        except imaplib.IMAP4.error as exc:
            raise errors.mailbox_login_failed() from exc
        try:
            status, _data = client.select(_quoted(account.folder), readonly=True)
            if status != "OK":
                raise errors.mailbox_unreachable(f"SELECT {account.folder}")
            _, validity = client.response("UIDVALIDITY")
            uidvalidity = int(validity[0]) if validity and validity[0] else 0
            yield Session(client, uidvalidity)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise errors.mailbox_unreachable(type(exc).__name__) from exc
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
