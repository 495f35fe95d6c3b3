"""The letter page as a disposition's people see it: each reader's first reading and
how often they opened it, not one line per opening (every opening is still kept),
and their actions linked from the top of the page."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from warkat.dispositions.models import Disposition, DispositionRead
from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter
from warkat.letters.tests.factories import client_for, register

pytestmark = pytest.mark.django_db


def _disposed(o: SimpleNamespace) -> tuple[Letter, Disposition]:
    """A letter the Kepala Dinas disposed to the Kabid Aplikasi."""
    letter = register(o)
    (d,) = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"],
        deadline=dt.date(2026, 11, 10),
    )
    return letter, d


def test_repeated_openings_show_the_first_read_and_a_count(o: SimpleNamespace) -> None:
    letter, d = _disposed(o)
    reader = client_for(o.users.kabid_a)
    url = reverse("letters:detail", args=[letter.pk])
    for _ in range(5):
        assert reader.get(url).status_code == 200
    assert DispositionRead.objects.filter(disposition=d).count() == 5  # all kept

    page = client_for(o.users.kadis).get(url).content.decode()
    node = re.search(rf'<li id="d{d.pk}".*?</li>', page, re.S)
    assert node is not None
    name = o.users.kabid_a.person.display_name
    assert node.group(0).count(name) == 1, node.group(0)
    assert "dibuka 5\u00d7" in node.group(0)  # "opened 5 times"


def test_the_top_of_the_letter_page_links_to_my_disposition(
    o: SimpleNamespace,
) -> None:
    """A recipient down the chain reaches their disposition's actions from the top
    of the page, before the letter's pages (screens long on a phone)."""
    letter, d = _disposed(o)
    url = reverse("letters:detail", args=[letter.pk])
    page = client_for(o.users.kabid_a).get(url).content.decode()
    link = page.find(f'href="#d{d.pk}"')
    assert 0 < link < page.find('class="viewer"') < page.find(f'id="d{d.pk}"')
    # The addressee's bar leads to the dispose form, placed before the pages too.
    top = client_for(o.users.kadis).get(url).content.decode()
    assert 0 < top.find('href="#dispose"') < top.find('class="viewer"')
    assert top.find('id="dispose"') < top.find('class="viewer"')
