"""``{% inline_css 'warkat/app.css' %}``: a stylesheet written into the page.

On a weak network (3G: 300 ms a round trip) every ``<link rel="stylesheet">`` holds the
first paint back by at least one more round trip; Warkat's stylesheets are a few KB
each, so they travel inside the HTML instead, in a ``<style>`` carrying the request's
CSP nonce (``style-src`` allows nothing inline without it). A builtin tag (see
``TEMPLATES``), so templates need no ``{% load %}``.

``{% inline_data_uri 'warkat/icon-32.png' %}``: a small static file as a ``data:`` URL
(the favicon: no request of its own at load, see ``templates/base.html``).

``{% inline_script 'warkat/htmx-on-demand.js' src=url %}``: a small script run inside
the page, with the nonce (what asks for htmx on the pages that use it).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)


def _find(tag: str, path: str) -> str:
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise template.TemplateSyntaxError(f"{tag}: no static file {path!r}")
    return str(found)


def _read(path: str) -> str:
    tag = "inline_script" if path.endswith(".js") else "inline_css"
    found = _find(tag, path)
    with open(found, encoding="utf-8") as f:
        text = f.read()
    # Comments are for the people who read the file, not for every page on 3G (the
    # HTML is never cached, so they would travel on each visit). In a script only
    # whole-line comments go: "/*" or "//" may sit in its strings.
    text = (_LINE_COMMENT if tag == "inline_script" else _COMMENT).sub("", text)
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    # The text goes between <style> or <script> tags: a "</" would end it early.
    if "</" in text:
        raise template.TemplateSyntaxError(f"{tag}: {path!r} contains '</'")
    return text


_read_cached = cache(_read)


def _nonce(context: template.Context) -> SafeString:
    nonce = context.get("csp_nonce")
    return format_html(' nonce="{}"', nonce) if nonce is not None else mark_safe("")


@register.simple_tag(takes_context=True)
def inline_css(context: template.Context, *paths: str) -> SafeString:
    # Read once per process, except while developing, where the files change.
    read = _read if settings.DEBUG else _read_cached
    css = "\n".join(read(p) for p in paths)
    return format_html("<style{}>{}</style>", _nonce(context), mark_safe(css))


@register.simple_tag(takes_context=True)
def inline_script(context: template.Context, path: str, **data: str) -> SafeString:
    """A small script run in the page, with the request's nonce; keyword arguments
    become its ``data-`` attributes (``document.currentScript.dataset``)."""
    read = _read if settings.DEBUG else _read_cached
    attrs = format_html_join("", ' data-{}="{}"', data.items())
    return format_html(
        "<script{}{}>{}</script>", _nonce(context), attrs, mark_safe(read(path))
    )


#: Past this a file is better fetched once and cached than carried by every page.
DATA_URI_MAX_BYTES = 1024


@cache
def _data_uri(path: str) -> str:
    found = _find("inline_data_uri", path)
    kind = mimetypes.guess_type(found)[0]
    with open(found, "rb") as f:
        data = f.read()
    if not kind or len(data) > DATA_URI_MAX_BYTES:
        raise template.TemplateSyntaxError(
            f"inline_data_uri: {path!r} is not a small file of a known type"
        )
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@register.simple_tag
def inline_data_uri(path: str) -> str:
    return _data_uri(path)
