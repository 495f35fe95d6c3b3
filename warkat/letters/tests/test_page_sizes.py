"""The phone rendition of page pictures (issue 15): the letter page offers it through
``srcset``, it is made once from the wide picture, and its route decides access as the
wide picture's does."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from warkat.letters.models import Letter, LetterFilePage
from warkat.letters.page_sizes import NARROW, narrow_name
from warkat.letters.tests.factories import build_org, client_for, register
from warkat.letters.tests.test_pages import drawn, page_url, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def narrow_url(letter: Letter, number: int) -> str:
    f = letter.files.get()
    return reverse("letters:file_page_narrow", args=[letter.pk, f.pk, number])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_letter_page_offers_the_narrow_picture(
    o: SimpleNamespace,
    drawn: Letter,  # noqa: F811
) -> None:
    content = client_for(o.users.kadis).get(reverse("letters:detail", args=[drawn.pk]))
    html = content.content.decode()
    for n in (1, 2):
        wide, narrow = page_url(drawn, n), narrow_url(drawn, n)
        assert f'<source media="(max-width: 640px)" srcset="{narrow}">' in html
        assert f'srcset="{narrow} {NARROW}w, {wide} 1100w"' in html
    assert html.count(" sizes=") == 2


def test_narrow_picture_made_once_and_served(
    o: SimpleNamespace,
    drawn: Letter,  # noqa: F811
    media: Path,
) -> None:
    c = client_for(o.users.kadis)
    response = c.get(narrow_url(drawn, 2))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"
    narrow = body(response)
    with Image.open(io.BytesIO(narrow)) as image:
        assert image.format == "JPEG"
        assert image.width == NARROW and image.height > NARROW  # A4 portrait
    wide = body(c.get(page_url(drawn, 2)))
    assert len(narrow) < len(wide) / 2
    page = LetterFilePage.objects.get(file__letter=drawn, number=2)
    stored = media / narrow_name(page.storage_name)
    assert stored.read_bytes() == narrow
    # Asked again: the stored copy, not a new one.
    made = stored.stat().st_mtime_ns
    assert body(c.get(narrow_url(drawn, 2))) == narrow
    assert stored.stat().st_mtime_ns == made
    assert len(list(media.rglob("pages/*-w600*.jpg"))) == 1
    assert c.get(narrow_url(drawn, 3)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "kadinkes", "tu"])
def test_narrow_picture_hidden_like_the_wide_one(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, who: str, media: Path
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, files=[upload(1)], security="rahasia")
    c = client_for(getattr(o.users, who))
    assert c.get(narrow_url(letter, 1)).status_code == 404
    assert not list(media.rglob("pages/*-w600*.jpg")), "nothing made for a refusal"
    assert client_for(o.users.kadis).get(narrow_url(letter, 1)).status_code == 200


def test_narrow_picture_hidden_from_another_tenant(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, other_tenant: Any
) -> None:
    from warkat.tenancy.scope import tenant_scope

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, files=[upload(1)], security="rahasia")
    path = narrow_url(letter, 1)
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
        for user in (foreign.users.kadis, foreign.users.admin):
            assert client_for(user).get(path).status_code == 404
