"""Every user-facing string has an Indonesian translation (Bahasa Indonesia is the
default UI language)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parents[1] / "warkat"
PY_PATTERN = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|pgettext_lazy)\(\s*(?:"((?:[^"\\\n]|\\.)+)"|'((?:[^'\\\n]|\\.)+)')\s*[,)]"""
)
TEMPLATE_PATTERN = re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"[^%]*%\}""")


def _strings() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for match in PY_PATTERN.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) or match.group(2)
            # The source literal's escapes (\n, \") are the msgid's characters.
            found.add((str(path.relative_to(ROOT)), ast.literal_eval(f'"{text}"')))
    for path in ROOT.rglob("*.html"):
        for match in TEMPLATE_PATTERN.finditer(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(ROOT)), match.group(1)))
    return found


def test_every_translatable_string_has_an_indonesian_translation() -> None:
    catalog = trans_real.translation("id")._catalog  # merged catalogues of all apps

    missing = sorted(
        f"{where}: {text!r}" for where, text in _strings() if text not in catalog
    )

    assert not missing, "Missing Indonesian translations:\n" + "\n".join(missing)
