"""The search page: one box, ranked hits with highlighted snippets, paged; the
results part alone for htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from warkat.core.errors import DomainError
from warkat.core.http import page_number, tenant_view
from warkat.search.forms import SearchForm
from warkat.search.selectors import SearchFilters, SearchPage, search_letters


@tenant_view
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    raw = (request.GET.get("q") or "").strip()
    filters = SearchFilters(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        direction=data.get("direction") or "",
        classification=data.get("classification") or "",
        security=data.get("security") or "",
        state=data.get("state") or "",
    )
    result: SearchPage | None = None
    message = ""
    if raw:
        try:
            result = search_letters(
                user=request.user,
                query=raw,
                filters=filters,
                page=page_number(request),
            )
        except DomainError as exc:
            message = exc.text()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "q": raw,
        "result": result,
        "message": message,
        "query": query.urlencode(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "search/search.html#results", context)
    return render(request, "search/search.html", context)
