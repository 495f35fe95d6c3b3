"""What every page carries on a weak network (issue 15): its stylesheet without the
comments, and htmx only where the page uses it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

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


def test_favicon_travels_inside_the_page() -> None:
    """No favicon request at load on 3G (it took the page's open connection ahead of
    htmx): the icon is a small PNG in a data: URL, not an SVG to draw."""
    html = Template("{% inline_data_uri 'warkat/icon-32.png' %}").render(Context({}))
    assert html.startswith("data:image/png;base64,iVBORw0KGgo")
    assert len(html) < 600
    base = (Path(warkat.__file__).parent / "templates" / "base.html").read_text()
    assert re.search(r'<link rel="icon" href="{% inline_data_uri ', base)


def test_inline_data_uri_refuses_what_should_be_fetched() -> None:
    # Too big to travel in every page: fetched once and cached instead.
    with pytest.raises(TemplateSyntaxError):
        Template("{% inline_data_uri 'warkat/icon-512.png' %}").render(Context({}))
    with pytest.raises(TemplateSyntaxError):
        Template("{% inline_data_uri 'warkat/no-such.png' %}").render(Context({}))


def test_htmx_is_asked_for_by_a_script_in_the_page() -> None:
    """htmx is no <script src> of its own at load (it runs at the first action, see
    static/warkat/htmx-on-demand.js): a small script in the page, with the nonce, the
    address of htmx and none of the file's comments."""
    html = Template(
        "{% inline_script 'warkat/htmx-on-demand.js' src='/static/htmx.js' %}"
    ).render(Context({"csp_nonce": "n0nce"}))
    assert html.startswith('<script nonce="n0nce" data-src="/static/htmx.js">(() => {')
    assert html.endswith("})();</script>")
    assert "//" not in html and "\n " not in html
    assert len(html) < 3000
    base = (Path(warkat.__file__).parent / "templates" / "base.html").read_text()
    assert "{% inline_script 'warkat/htmx-on-demand.js' src=htmx_src %}" in base
    assert "htmx_script" not in base
