"""The Indonesian UI over the demo data says everything in Indonesian: every main page,
walked by following its links as each demo role, shows no stored codes (states, audit
events, model labels) and none of the English words that leaked before."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from warkat.audit.labels import ACTION_LABELS

pytestmark = pytest.mark.django_db

ROLES = (
    "admin.keerom",
    "sekda.keerom",
    "tu.setda.keerom",
    "kadis.kominfo.keerom",
    "staf.kominfo.keerom",
)
#: Pages of the same kind (digits aside) visited per role: enough to see each
#: template with the demo's states, not every unit of the organisation.
PER_KIND = 3
SKIP = re.compile(
    r"^/(static|i18n|akun/logout)|/(unduh|berkas|halaman)/|\.(pdf|jpg|xlsx|csv)$|"
    r"tanda-terima|lembar|/pdf/?$"
)

_STATES = (
    "drafted|edited|submitted|in_review|approved|signed|sent|returned|followed_up|"
    "disposed|forwarded|declined|closed|cancelled|unread|plt|plh|PLT|PLH|incoming|"
    "outgoing"
)
LEFTOVERS = {
    "a stored state or capacity code": re.compile(
        rf"(?<![\w./@-])({_STATES})(?![\w./@-])"
    ),
    "an audit event code": re.compile(
        "|".join(rf"(?<![\w.]){re.escape(code)}(?![\w.])" for code in ACTION_LABELS)
    ),
    "a model label": re.compile(r"\b[a-z]+\.[a-z]+#\d+"),
    "an English word": re.compile(
        r"\b(Edit|Cancel|Save|Delete|Search|Submit|Back|Next|Previous|Download|"
        r"Upload|Settings|Password|To|From|Read|Unread|Select an option|"
        r"No Differences Found|Empty File)\b"
    ),
}


def visible_text(body: str) -> Iterator[str]:
    """The text nodes a reader sees: scripts, styles and attributes left out, and
    what is shown as code on purpose (``<code>``, ``<pre>``: the audit record's
    stored data; ``<textarea>``: a template's source being edited)."""
    body = re.sub(
        r"(?s)<(script|style|template|code|pre|textarea)\b.*?</\1>", " ", body
    )
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    for chunk in re.split(r"<[^>]+>", body):
        text = " ".join(html.unescape(chunk).split())
        if text:
            yield text


#: Pages that list codes for people to type: the import page documents the file's
#: columns and the values they accept ("definitif, plt, atau plh").
CODES_ON_PURPOSE = ("/organisasi/impor/",)


def leftovers(body: str, url: str = "") -> list[str]:
    found = []
    for text in visible_text(body):
        if text in ("English",):  # the language switch names the other language
            continue
        for what, pattern in LEFTOVERS.items():
            if url.startswith(CODES_ON_PURPOSE) and what.startswith("a stored"):
                continue
            match = pattern.search(text)
            if match:
                found.append(f"{what}: {match.group(0)!r} in {text[:120]!r}")
    return found


def _walk(client: Client, start: list[str]) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    per_kind: dict[str, int] = {}
    todo = list(start)
    while todo:
        url = todo.pop(0)
        kind = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or per_kind.get(kind, 0) >= PER_KIND:
            continue
        seen.add(url)
        per_kind[kind] = per_kind.get(kind, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        body = response.content.decode()
        yield url, body
        for href in re.findall(r'href="(/[^"#?]*)"', body):
            if not SKIP.search(href):
                todo.append(href)


@override_settings(WARKAT_MFA_REQUIRED_FOR_SIGNERS=False, LANGUAGE_CODE="id")
def test_main_pages_say_everything_in_indonesian(demo: Any) -> None:
    from warkat.accounts.models import User
    from warkat.drafting.models import DraftVersion
    from warkat.tenancy.scope import all_tenants

    with all_tenants():
        users = {u.username: u for u in User.objects.filter(username__in=ROLES)}
        compares = [
            f"/naskah/{v.draft.letter_id}/banding/?a={v.number - 1}&b={v.number}"
            for v in DraftVersion.objects.filter(number__gt=1).select_related("draft")
        ]
    assert set(users) == set(ROLES)
    problems: dict[str, list[str]] = {}
    pages = 0
    for username in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="id")
        client.force_login(users[username])
        for url, body in _walk(client, ["/", "/audit/", *compares]):
            pages += 1
            found = leftovers(body, url)
            if found:
                problems[f"{username} {url}"] = found
    assert pages > 60
    assert not problems, "\n".join(
        f"{where}: {'; '.join(sorted(set(found)))}" for where, found in problems.items()
    )


def test_the_check_finds_what_leaked_before() -> None:
    """The leftovers this suite exists for are caught (a check that cannot fail
    proves nothing)."""
    before = (
        "<li>06-12-2026 18:27 · drafted · Elias</li><td><code>x</code>letter.register</td>"
        "<span>letters.letter#12</span><a>Edit</a><td>&nbsp;No Differences Found&nbsp;</td>"
        "<label>Sampai</label><option>- Select an option -</option><b>(PLH)</b>"
    )
    found = " ".join(leftovers(before))
    for leak in ("drafted", "letter.register", "letters.letter#12", "Edit", "PLH"):
        assert repr(leak) in found, leak
    assert "No Differences Found" in found and "Select an option" in found
    assert not leftovers(
        "<p>Dibaca: Kepala · Plh. · Definitif</p><code>auth.login</code>"
    )
