"""The README matches the running demo: its table of demo log-ins is exactly what
``manage.py demo_load`` creates (every pimpinan, the Plh signer and the drafting
reviewers, with NIP, name, jabatan and roles), the menu names it quotes are the
Indonesian labels of the navigation, and every relative link points to a file in the
repository.

When the demo changes, ``test_login_table_matches_the_demo`` fails and prints the
table to paste into the README."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import translation

from warkat.accounts.models import User
from warkat.demo.management.commands.demo_load import NAMED
from warkat.org.models import Person, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: Columns the test checks; the last column ("in the demo") is free text. "sign in
#: as" is the username, and the NIP when it differs (both sign in).
COLUMNS = ("sign in as", "name", "jabatan", "OPD", "roles")


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def readme_logins() -> list[tuple[str, ...]]:
    """The rows of the README's demo log-in table (the checked columns)."""
    rows = []
    for line in _section("Demo log-ins").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(tuple(cells[: len(COLUMNS)]))
    return rows


def _opd(unit: Unit) -> str:
    """The unit right below the Pemda that ``unit`` belongs to ("—" for the Pemda)."""
    if unit.parent_id is None:
        return "—"
    while unit.parent is not None and unit.parent.parent_id is not None:
        unit = unit.parent
    return unit.name


def _listed(tenant: Tenant) -> list[User]:
    """The accounts the README lists: the named ones, every pimpinan, and whoever
    reviews (paraf) or signs the demo's outgoing letters."""
    from warkat.drafting.models import Draft, ReviewStep
    from warkat.org.selectors import position_holders

    people: set[int] = set()
    for step in ReviewStep.objects.select_related("position"):
        people |= {a.person_id for a in position_holders(position=step.position)}
        if step.acted_by_id:
            people.add(step.acted_by_id)
    people |= set(
        Draft.objects.exclude(signed_by=None).values_list("signed_by", flat=True)
    )
    order = {f"{stem}.{tenant.slug}": i for i, stem in enumerate(NAMED)}
    users = [
        u
        for u in User.objects.filter(tenant=tenant).select_related("person")
        if u.username in order or u.has_role("pimpinan") or u.person_id in people
    ]

    def key(user: User) -> tuple[int, int]:
        from warkat.org.selectors import positions_held

        held = positions_held(person=user.person).first()
        return order.get(user.username, len(order)), held.position_id if held else 0

    return sorted(users, key=key)


def demo_logins(tenant: Tenant) -> list[tuple[str, ...]]:
    """The README table rows as the loaded demo has them."""
    from allauth.mfa.models import Authenticator

    from warkat.org.selectors import positions_held

    rows = []
    with tenant_scope(tenant):
        for user in _listed(tenant):
            person: Person = user.person
            held = list(positions_held(person=person))
            jabatan = "; ".join(
                f"{a.capacity_prefix} {a.position.name}".strip() for a in held
            )
            opds = dict.fromkeys(_opd(a.position.unit) for a in held)
            roles = ", ".join(sorted(user.role_set()))
            if Authenticator.objects.filter(user=user, type="totp").exists():
                roles += " + TOTP"
            logins = dict.fromkeys([user.username, person.nip or user.username])
            rows.append(
                (
                    " or ".join(f"`{login}`" for login in logins),
                    person.display_name,
                    jabatan,
                    "; ".join(opds),
                    roles,
                )
            )
    return rows


def _markdown(rows: list[tuple[str, ...]]) -> str:
    return "\n".join("| " + " | ".join(row) + " | |" for row in rows)


def test_login_table_matches_the_demo(demo: Any) -> None:
    keerom = Tenant.objects.get(region_code="91.11")
    expected = demo_logins(keerom)
    assert readme_logins() == expected, (
        "README's demo log-ins differ from the demo; the table should be:\n"
        + _markdown(expected)
    )
    # The demo's people named in the prose: the Plh signer and the reviewers.
    from warkat.drafting.models import Draft, ReviewStep

    with tenant_scope(keerom):
        # The letters the README tells a visitor to sign (the attendance demo's
        # surat tugas is signed by its own Kepala Dinas).
        signer = User.objects.get(
            person__in=Draft.objects.exclude(signed_by=None)
            .exclude(naskah_type__code="surat-tugas")
            .values("signed_by")
        )
        reviewers = set(
            User.objects.filter(
                person__in=ReviewStep.objects.exclude(kind="signer")
                .exclude(acted_by=None)
                .values("acted_by")
            ).values_list("username", flat=True)
        )
    section = _section("Demo log-ins")
    signing = next(p for p in section.split("\n\n") if "To sign" in p)
    assert f"`{signer.username}`" in signing
    assert reviewers and all(f"`{name}`" in section for name in reviewers)


def test_menu_names_quoted_in_the_readme_are_the_navigation_labels() -> None:
    """A menu quoted as *Name* in the README is a label of the navigation (or a tab
    of its lists) in Bahasa Indonesia."""
    nav = (ROOT / "warkat/templates/partials/nav.html").read_text(encoding="utf-8")
    msgids = re.findall(r'\{% translate "([^"]+)" %\}', nav)
    from warkat.drafting.views.editor import BOX_LABELS

    with translation.override("id"):
        labels = {translation.gettext(m) for m in msgids}
        labels |= {str(label) for label in BOX_LABELS.values()}
    assert "Surat keluar" in labels
    text = README.read_text(encoding="utf-8")
    quoted = set(re.findall(r"(?<!\*)\*([A-Z][^*]+)\*(?!\*)", text))
    assert quoted, "the README quotes no menu"
    assert quoted <= labels, f"not in the navigation: {sorted(quoted - labels)}"


#: Directories the README names as outputs of running Warkat, not repository files.
GENERATED = ("var/", "test-artifacts/")


def test_relative_links_point_to_files_in_the_repository() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text)]
    # Code spans that are repository paths (``bench/README.md``, ``.ci/run``) or
    # documents (``DESIGN.md``); ``models.py`` alone names a file of every app.
    targets += [
        span
        for span in re.findall(r"`([\w.-]+(?:/[\w.-]*)*)`", text)
        if "/" in span or span.endswith(".md")
    ]
    local = [
        t
        for t in targets
        if t
        and not re.match(r"^[a-z][a-z0-9+.-]*:", t)
        and not t.startswith("/")
        and not t.startswith(GENERATED)
    ]
    assert "docs/screenshots/home-phone.png" in local  # the parsing finds links
    missing = sorted({t for t in local if not (ROOT / t).exists()})
    assert not missing, f"README names files that are not in the repository: {missing}"
