"""What every page carries on a weak network (issue 15): its stylesheet without the
comments, and htmx only where the page uses it."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

import warkat

TEMPLATES = sorted(Path(warkat.__file__).parent.glob("**/templates/**/*.html"))
NO_HTMX = re.compile(r"{%\s*block htmx\s*%}\s*{%\s*endblock")


def test_inline_stylesheet_leaves_its_comments_behind() -> None:
    html = Template("{% inline_css 'warkat/app.css' %}").render(Context({}))
    assert ".topbar" in html and ".htmx-indicator" in html
    assert "/*" not in html and "*/" not in html
    assert "\n " not in html  # no indentation either


def test_pages_without_htmx_have_no_hx_attributes() -> None:
    without = [t for t in TEMPLATES if NO_HTMX.search(t.read_text())]
    names = {t.name for t in without}
    assert {"checkin.html", "base.html"} <= names  # allauth's layout, the check-in
    for template in without:
        text = template.read_text()
        assert not re.search(r"\shx-(?!headers)", text), template
        # The pages that extend a layout without htmx come from allauth's layout
        # and include nothing with hx- attributes either.
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', text):
            included = [t for t in TEMPLATES if t.as_posix().endswith(name)]
            for inc in included:
                assert not re.search(r"\shx-", inc.read_text()), (template, inc)
    # Every page in allauth's layout (sign-in, two-factor, password) is without it.
    for t in TEMPLATES:
        if t.parent.name in ("account", "mfa", "totp"):
            assert not re.search(r"\shx-", t.read_text()), t


def test_htmx_is_fetched_after_parsing_and_run_after_the_first_paint() -> None:
    html = Template("{% load htmx_after_paint %}{% htmx_after_paint %}").render(
        Context({"csp_nonce": "n0nce"})
    )
    # One inline script with the request's nonce, no <script src> (nothing the
    # browser would fetch and run before it paints) and no preload in the head.
    assert html.startswith('<script nonce="n0nce">') and html.count("<script") == 1
    assert "src=" not in html and "<link" not in html
    assert "django_htmx/htmx-2.min" in html
    # The preload is asked for when the page is parsed; the script goes in on load
    # once the first contentful paint is reported (or 3 s after load).
    assert '"DOMContentLoaded"' in html and 'rel:"preload"' in html
    assert '"load"' in html and '"first-contentful-paint"' in html
