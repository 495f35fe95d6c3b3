"""Letter bodies keep formatting and lose anything that runs; diffs are escaped."""

from __future__ import annotations

import pytest

from warkat.drafting.sanitize import body_clean, body_text, version_diff


@pytest.mark.parametrize(
    "raw",
    [
        "<p>a<script>alert(1)</script></p>",
        '<p onclick="alert(1)">a</p>',
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">a</a>',
        '<p style="background:url(javascript:alert(1))">a</p>',
        "<iframe src='https://evil.invalid'></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<style>p{color:red}</style><p>a</p>",
        '<form action="https://evil.invalid"><input></form>',
    ],
)
def test_nothing_active_survives(raw: str) -> None:
    clean = body_clean(raw).lower()
    for needle in (
        "script",
        "onerror",
        "onclick",
        "javascript:",
        "style",
        "iframe",
        "<img",
        "<a ",
        "<form",
        "<svg",
    ):
        assert needle not in clean


def test_formatting_is_kept() -> None:
    raw = '<p class="center bogus">Judul</p><ol><li><b>satu</b></li></ol><table><tr><td colspan="2">x</td></tr></table>'
    clean = body_clean(raw)
    assert '<p class="center">Judul</p>' in clean
    assert "<ol><li><b>satu</b></li></ol>" in clean
    assert 'colspan="2"' in clean


def test_body_text_lines() -> None:
    assert body_text("<p>a &amp; b</p><ul><li>c</li></ul>") == ["a & b", "c"]


def test_diff_escapes_both_sides() -> None:
    fields, table = version_diff(
        old={"subject": "A", "body": "<p>satu</p>"},
        new={
            "subject": "B",
            "body": "<p>dua &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        },
        labels={"subject": "Hal"},
        old_name="v1",
        new_name="v2",
    )
    assert fields == [("Hal", "A", "B")]
    assert "<script>" not in table
    assert "&lt;script&gt;" in table
    assert 'class="diff_add"' in table and 'class="diff_sub"' in table


def test_diff_of_an_unchanged_body_is_empty_not_difflibs_english() -> None:
    fields, table = version_diff(
        old={"subject": "A", "body": "<p>satu</p>"},
        new={"subject": "B", "body": "<p>satu</p>"},
        labels={"subject": "Hal"},
        old_name="v1",
        new_name="v2",
    )
    assert fields == [("Hal", "A", "B")] and table == ""
    _fields, empty = version_diff(
        old={"body": ""}, new={"body": ""}, labels={}, old_name="v1", new_name="v2"
    )
    assert empty == ""
