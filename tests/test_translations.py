"""Every user-facing string has an Indonesian translation (Bahasa Indonesia is the
default UI language)."""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parents[1] / "warkat"
_LITERAL = r"""(?:"((?:[^"\\\n]|\\.)+)"|'((?:[^'\\\n]|\\.)+)')"""
PY_PATTERN = re.compile(
    rf"""\b(?:_|gettext|gettext_lazy|(pgettext|pgettext_lazy)\(\s*{_LITERAL}\s*,)\(?\s*{_LITERAL}\s*[,)]"""
)
TEMPLATE_PATTERN = re.compile(
    r"""\{%\s*(?:translate|trans)\s+"([^"]+)"(?:\s+context\s+["']([^"']+)["'])?[^%]*%\}"""
)


def _key(text: str, context: str | None) -> str:
    """The catalogue key: ``context\x04msgid`` for a string with a context."""
    return f"{context}\x04{text}" if context else text


def _literal(match: re.Match[str], first: int) -> str | None:
    text = match.group(first) or match.group(first + 1)
    # The source literal's escapes (\n, \") are the msgid's characters.
    return None if text is None else ast.literal_eval(f'"{text}"')


def _strings() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for match in PY_PATTERN.finditer(path.read_text(encoding="utf-8")):
            text = _literal(match, 4)
            assert text is not None
            found.add((str(path.relative_to(ROOT)), _key(text, _literal(match, 2))))
    for path in ROOT.rglob("*.html"):
        for match in TEMPLATE_PATTERN.finditer(path.read_text(encoding="utf-8")):
            found.add(
                (str(path.relative_to(ROOT)), _key(match.group(1), match.group(2)))
            )
    return found


def test_every_translatable_string_has_an_indonesian_translation() -> None:
    catalog = trans_real.translation("id")._catalog  # merged catalogues of all apps

    missing = sorted(
        f"{where}: {text!r}" for where, text in _strings() if text not in catalog
    )

    assert not missing, "Missing Indonesian translations:\n" + "\n".join(missing)


PO_FILES = sorted(ROOT.rglob("locale/*/LC_MESSAGES/django.po"))


def test_every_catalogue_compiles_without_warnings() -> None:
    """``msgfmt --check`` is silent: valid formats and a filled-in header (translator,
    team, revision date, project) in every catalogue."""
    assert PO_FILES
    noisy = {}
    for po in PO_FILES:
        run = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode or run.stderr:
            noisy[str(po.relative_to(ROOT))] = run.stderr
    assert not noisy, noisy


def _compiled(po: Path, tmp: Path) -> dict[Any, str]:
    mo = tmp / "django.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in catalog.items() if k != ""}


def test_each_catalogue_is_what_the_indonesian_ui_shows(tmp_path: Path) -> None:
    """Django merges the catalogues of all apps into one, the first installed app
    winning: the same English text translated two ways (``To``: recipient or end of
    a date range), or a third-party app's translation of a common word (allauth's
    ``Edit``), would show the wrong Indonesian. Such strings carry a context
    (``pgettext``) instead."""
    merged = trans_real.translation("id")._catalog
    wrong = []
    for po in PO_FILES:
        if f"{os.sep}id{os.sep}" not in str(po):
            continue
        for key, ours in _compiled(po, tmp_path).items():
            shown = merged.get(key)
            if shown != ours:
                wrong.append(
                    f"{po.relative_to(ROOT)}: {key!r} → {shown!r}, not {ours!r}"
                )
    assert not wrong, "\n".join(sorted(wrong))
