"""What the home page shows beyond the user's own card: panels and links that other
apps register (inbox counters, pending signatures …).

An app registers in its ``AppConfig.ready()``::

    from warkat.core.home import HomeLink, HomePanel, home_link_register, home_panel_register

    home_panel_register(HomePanel(
        key="letters.inbox", template="letters/_home_panel.html",
        context=inbox_counts,  # (request) -> dict, or None to hide the panel
        order=10,
    ))
    home_link_register(HomeLink(
        key="letters.inbox", label=LETTERS, url_name="letters:inbox", order=10,
    ))

A panel's template gets the home context plus ``panel``: what ``context`` returned
(``LETTERS`` above is a lazy translated label). A link is
shown when its URL name exists, the user holds one of ``roles`` (any role if empty)
and ``visible(request)``, when given, is true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None] | None = None
    order: int = 100


@dataclass(frozen=True)
class HomeLink:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    # Shown only when this returns true for the request (beyond ``roles``), for
    # pages whose access is not a role: the command centre needs a headed unit.
    visible: Callable[[HttpRequest], bool] | None = None


_panels: dict[str, HomePanel] = {}
_links: dict[str, HomeLink] = {}


def home_panel_register(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def home_link_register(link: HomeLink) -> None:
    _links[link.key] = link


def home_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """The (template, extra context) of each panel to show, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        extra = panel.context(request) if panel.context else {}
        if extra is not None:
            shown.append((panel.template, extra))
    return shown


def home_links(request: HttpRequest) -> list[tuple[str, str]]:
    """(label, url) of each link the user may follow, in order."""
    user = request.user
    shown = []
    for link in sorted(_links.values(), key=lambda lk: (lk.order, lk.key)):
        if link.roles and not user.has_role(*link.roles):  # type: ignore[union-attr]
            continue
        if link.visible is not None and not link.visible(request):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue  # the app that serves it is not installed or not ready yet
        shown.append((str(link.label), url))
    return shown
