"""What every page of outgoing letters shares."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from warkat.core.errors import DomainError
from warkat.drafting import selectors
from warkat.drafting.models import Draft


def draft_of(request: HttpRequest, letter_id: int) -> Draft:
    """The draft of the letter, as the user may see it (``selectors.draft_for_user``)."""
    return selectors.draft_for_user(user=request.user, letter_id=letter_id)


def error_show(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.text())
