"""``{% inline_css 'warkat/app.css' %}``: a stylesheet written into the page.

On a weak network (3G: 300 ms a round trip) every ``<link rel="stylesheet">`` holds the
first paint back by at least one more round trip; Warkat's stylesheets are a few KB
each, so they travel inside the HTML instead, in a ``<style>`` carrying the request's
CSP nonce (``style-src`` allows nothing inline without it). A builtin tag (see
``TEMPLATES``), so templates need no ``{% load %}``.

``{% inline_data_uri 'warkat/icon-32.png' %}``: a small static file as a ``data:`` URL
(the favicon: no request of its own at load, see ``templates/base.html``).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _find(tag: str, path: str) -> str:
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise template.TemplateSyntaxError(f"{tag}: no static file {path!r}")
    return str(found)


def _read(path: str) -> str:
    found = _find("inline_css", path)
    with open(found, encoding="utf-8") as f:
        css = f.read()
    # Comments are for the people who read the file, not for every page on 3G (the
    # HTML is never cached, so they would travel on each visit).
    css = _COMMENT.sub("", css)
    css = "\n".join(line.strip() for line in css.splitlines() if line.strip())
    # The text goes between <style> tags: a "</" would end the element early.
    if "</" in css:
        raise template.TemplateSyntaxError(f"inline_css: {path!r} contains '</'")
    return css


_read_cached = cache(_read)


@register.simple_tag(takes_context=True)
def inline_css(context: template.Context, *paths: str) -> SafeString:
    # Read once per process, except while developing, where the files change.
    read = _read if settings.DEBUG else _read_cached
    css = "\n".join(read(p) for p in paths)
    nonce = context.get("csp_nonce")
    if nonce is None:
        return format_html("<style>{}</style>", mark_safe(css))
    return format_html('<style nonce="{}">{}</style>', nonce, mark_safe(css))


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
