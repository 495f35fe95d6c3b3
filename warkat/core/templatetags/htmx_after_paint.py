"""``{% htmx_after_paint %}``: htmx fetched once the page is parsed, run once it is shown.

With ``<script defer>``, the browser runs htmx (about 50 KB of script to compile and
run, and its start-up over the page) before its first paint whenever the script is at
hand by the end of parsing (a fast network, the cache of a repeat visit): on a phone's
CPU that delays the first and largest paint. On emulated 3G (issue 15) the request also
went out while the page was still arriving, on a second connection (one more round
trip of 300 ms). So a few lines of inline script (with the request's CSP nonce) ask
for htmx when the page is parsed (``DOMContentLoaded``: the page's connection is free
again) as a preload, and insert the script once the page has loaded and its first
contentful paint is on the screen. Not earlier than ``load``: htmx 2 starts on
``DOMContentLoaded`` or on a document already complete, so a script run in between
would wait for an event that has passed. Until htmx runs, forms and links work as
plain ones. The inserted elements load from the site (``script-src 'self'``).
"""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

HTMX = "django_htmx/htmx-2.min.js"
#: django-htmx's page for error responses, while developing (as ``{% htmx_script %}``).
DEBUG_SCRIPT = "django_htmx/django-htmx.js"

#: Fetches the scripts (``urls``) once the page is parsed and runs them once it has
#: loaded and its first contentful paint is on the screen (the paint timing entry comes
#: after the frame is shown, where a frame callback runs before it), or 3 s after
#: ``load`` (a page opened in a hidden tab is not painted; a browser without paint
#: timing runs them at ``load``).
_LOADER = (
    "(function(){var u=%(urls)s,f=0,l=0,d=0;"
    "function add(t,a){var e=document.createElement(t);"
    "for(var k in a)e.setAttribute(k,a[k]);document.head.appendChild(e)}"
    "function run(){if(d)return;d=1;u.forEach(function(x){add(%(script)s)})}"
    "function go(){if(f&&l)setTimeout(run)}"
    'document.addEventListener("DOMContentLoaded",function(){u.forEach(function(x){'
    'add("link",{rel:"preload",as:"script",href:x})})});'
    'addEventListener("load",function(){l=1;go();setTimeout(run,3e3)});'
    "var P=window.PerformanceObserver;"
    'if(P&&(P.supportedEntryTypes||[]).indexOf("paint")>=0)'
    'new P(function(e,o){if(e.getEntriesByName("first-contentful-paint").length)'
    '{o.disconnect();f=1;go()}}).observe({type:"paint",buffered:true});'
    "else f=1})()"
)


@register.simple_tag(takes_context=True)
def htmx_after_paint(context: template.Context) -> SafeString:
    urls = [static(HTMX)]
    script = '"script",{src:x}'
    if settings.DEBUG:
        # Its script reads data-debug (htmx ignores it).
        urls.append(static(DEBUG_SCRIPT))
        script = '"script",{src:x,"data-debug":"True"}'
    # Static URLs, written as a JavaScript array: nothing in them may end the element.
    code = _LOADER % {
        "urls": json.dumps(urls).replace("<", "\\u003c"),
        "script": script,
    }
    nonce = context.get("csp_nonce")
    if nonce is None:
        return format_html("<script>{}</script>", mark_safe(code))
    return format_html('<script nonce="{}">{}</script>', nonce, mark_safe(code))
