"""Outgoing letters in the browser: a Diskominfo staff member drafts a surat dinas,
submits it for paraf, the reviewers approve, the Plh. Kepala Dinas signs it with
passphrase and authenticator code, the letter gets its number and signed PDF, and
the public verification page (signed out) confirms it and refuses a changed copy —
photographed at both widths."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.demo import DEMO_PASSWORD, DemoData, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBJECT = "Permohonan Dukungan Jaringan Internet Kantor Distrik"


def _enter(page: Any, live_server: Any, person: Any) -> str | None:
    """Sign in as ``person``'s user; returns the TOTP code used, if any (a code is
    accepted only once per user)."""
    from warkat.accounts.models import User

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=login]", User.objects.get(person=person).username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    code = None
    while "/2fa/" in page.url:
        # A code already spent (the demo's own signature uses the signer's code of
        # its moment) is refused: wait for the next one.
        code = _fresh_code(code)
        page.fill("input[name=code]", code)
        with page.expect_navigation():
            page.press("input[name=code]", "Enter")
    page.wait_for_load_state("networkidle")
    assert "/akun/" not in page.url, page.url
    return code


def _fresh_code(*used: str | None) -> str:
    """The current authenticator code, or the next one if it is ``used``."""
    code = totp_code()
    while code in used:
        time.sleep(30 - time.time() % 30 + 0.2)
        code = totp_code()
    return code


def _session_for(page: Any, live_server: Any, person: Any) -> None:
    from django.conf import settings
    from django.test import Client

    from warkat.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(person=person))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie,
                "url": live_server.url,
            }
        ]
    )


def _demo_codes(tenant: Any) -> tuple[str, ...]:
    """The codes the demo's own signature may have spent (the Plh. signed a demo
    letter moments before the test): the one of its signing time and just before."""
    from warkat.demo.accounts import demo_totp_code
    from warkat.signing.models import SignedDocument
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        first = SignedDocument.objects.order_by("pk").first()
    assert first is not None
    at = first.signed_at.timestamp()
    return demo_totp_code(at), demo_totp_code(at - 5)


def _submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _draft() -> Any:
    from warkat.drafting.models import Draft

    return Draft.objects.select_related("letter", "signed_document").get(
        letter__subject=SUBJECT
    )


def _reviewer(draft: Any) -> Any:
    """The person whose paraf the draft waits for."""
    from warkat.drafting.workflow import current_step
    from warkat.org.selectors import position_holders

    step = current_step(draft)
    assert step is not None
    holders = sorted(
        position_holders(position=step.position), key=lambda a: a.kind != "definitif"
    )
    return holders[0].person


def test_draft_review_sign_verify(
    page: Any,
    live_server: Any,
    demo: DemoData,
    shoot: Callable[..., None],
    tmp_path: Path,
    browser: Any,
    browser_context_args: dict[str, Any],
) -> None:
    from warkat.tenancy.scope import tenant_scope

    people, positions = demo.people, demo.positions
    signer_person = people["sekretaris_kominfo"]  # Plh. Kepala Dinas, has a key

    # The signer's browser holds a session made on the server: an authenticator code
    # is accepted once, so signing in with one (covered by the other browser tests)
    # would make the signature wait for the next code.
    signer = browser.new_context(**browser_context_args).new_page()
    _session_for(signer, live_server, signer_person)

    # 1. The staff member drafts the letter in the editor.
    _enter(page, live_server, people["staf_kominfo"])
    page.goto(f"{live_server.url}/naskah/baru/")
    form = page.locator("#draft-form")
    page.select_option("select[name=naskah_type]", "surat-dinas")
    page.fill("input[name=classification]", "000.1.1")
    page.fill("input[name=subject]", SUBJECT)
    page.select_option("select[name=urgency]", "segera")
    sekda = positions["sekda"]
    with page.expect_response(lambda r: "/naskah/penerima/" in r.url):
        page.fill("input[name=q][hx-get]", "sekretaris daerah")
    page.locator(f"button.add-chip[data-value='to:position:{sekda.pk}']").click()
    assert page.locator("#chips input[name=rcpt]").count() == 1
    page.fill(
        "textarea[name=external_copy]", "Kepala Kantor Telkom Jayapura | | Jayapura"
    )
    rich = form.locator(".rich")
    rich.click()
    page.keyboard.type(
        "Dengan hormat, bersama ini kami mohon dukungan jaringan internet "
        "untuk kantor distrik di Kabupaten Keerom."
    )
    page.select_option(
        "select[name=signer_position]", str(positions["kadis_kominfo"].pk)
    )
    page.fill("input[name=place]", "Arso")
    shoot("outgoing-editor")
    _submit(page, form)
    assert "/naskah/" in page.url and SUBJECT in page.locator("h1").inner_text()
    letter_url = page.url

    # 2. Submitted for paraf: the letter page shows the chain up to the signer.
    _submit(page, page.locator("form[action$='/submit/']"))
    with tenant_scope(demo.tenant):
        draft = _draft()
        assert draft.state == "in_review", draft.state
        assert "dukungan jaringan internet" in draft.body
    chain = page.locator("ol.chain").first.inner_text()
    assert positions["kadis_kominfo"].name in chain
    shoot("outgoing-chain")

    # 3. Each reviewer gives their paraf from the letter page.
    for _ in range(5):
        with tenant_scope(demo.tenant):
            draft = _draft()
            if draft.state != "in_review":
                break
            person = _reviewer(draft)
        reviewer = signer if person == signer_person else page
        if reviewer is page:
            _enter(page, live_server, person)
        reviewer.goto(letter_url)
        approve = reviewer.locator("form[action$='/approve/']")
        approve.locator("textarea[name=note]").fill("Sudah sesuai.")
        _submit(reviewer, approve)
    with tenant_scope(demo.tenant):
        draft = _draft()
    assert draft.state == "approved", draft.state
    assert draft.letter.number == ""

    # 4. The Plh. Kepala Dinas signs in the sign dialog.
    signer.goto(letter_url)
    dialog = signer.locator("details.sign-dialog")
    assert dialog.is_visible()
    shoot("outgoing-sign-dialog", signer)
    dialog.locator("input[name=passphrase]").fill(_passphrase())
    dialog.locator("input[name=otp]").fill(_fresh_code(*_demo_codes(demo.tenant)))
    _submit(signer, dialog.locator("form"))
    assert signer.locator(".msg.error").count() == 0, signer.locator(
        ".msg.error"
    ).all_inner_texts()
    with tenant_scope(demo.tenant):
        draft = _draft()
        document = draft.signed_document
    # Tasks run at once under tests: signed and already handed to its recipients.
    assert draft.state in {"signed", "sent"}, draft.state
    number = draft.letter.number
    assert number and document is not None
    assert number in signer.locator("dl.fields").inner_text()
    assert signer.locator("details.sign-dialog").count() == 0
    assert signer.locator("ul.recipients [class*='delivery-']").count() >= 1
    shoot("outgoing-signed", signer)

    # 5. The signed PDF opens.
    href = signer.locator("a[href$='surat.pdf']").first.get_attribute("href")
    response = signer.request.get(live_server.url + href)
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    signed = response.body()
    assert signed.startswith(b"%PDF") and b"/ByteRange" in signed

    # 6. Anyone, signed out, checks it on the verification page.
    public = browser.new_context(**browser_context_args).new_page()
    public.goto(f"{live_server.url}/verifikasi/{document.verification_code}")
    good = public.locator("#tte-status")
    assert "tte-good" in (good.get_attribute("class") or ""), good.inner_text()
    facts = public.locator("dl.tte-facts").first.inner_text()
    assert number in facts
    assert signer_person.full_name in facts
    # The position is stored and shown in capitals, as printed on the stamp.
    assert f"Plh. {positions['kadis_kominfo'].name}".upper() in facts.upper()
    assert document.sha256 in facts
    shoot("outgoing-verify", public)

    # The very file matches; a copy with one changed byte does not.
    original = tmp_path / "surat.pdf"
    original.write_bytes(signed)
    public.set_input_files("input[name=file]", str(original))
    _submit(public, public.locator("form.tte-form"))
    assert "tte-good" in (
        public.locator("p[role=status]").get_attribute("class") or ""
    ), public.locator("main").inner_text()
    changed = bytearray(signed)
    middle = len(changed) // 2
    changed[middle] = changed[middle] ^ 0x01
    tampered = tmp_path / "surat-diubah.pdf"
    tampered.write_bytes(bytes(changed))
    public.set_input_files("input[name=file]", str(tampered))
    _submit(public, public.locator("form.tte-form"))
    verdict = public.locator("p[role=status]")
    assert "tte-bad" in (verdict.get_attribute("class") or "")
    # Not the document this QR code names (the flipped byte may fall in the
    # signature's own data, which then cannot be confirmed, or in what it signs).
    assert "Tidak cocok" in public.locator("main").inner_text()
    shoot("outgoing-verify-not-matching", public)


def _passphrase() -> str:
    from warkat.demo.drafting import DEMO_PASSPHRASE

    return DEMO_PASSPHRASE
