"""User administration pages for tenant and unit admins."""

from __future__ import annotations

from allauth.account import views as allauth_views
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warkat.accounts import selectors, services
from warkat.accounts.adapter import THROTTLED_ATTR
from warkat.accounts.forms import RolesForm, UserCreateForm
from warkat.accounts.models import Role
from warkat.accounts.permissions import USER_ADMINS, require_role
from warkat.core.errors import DomainError, NotFound
from warkat.core.http import page_number, tenant_view
from warkat.org.models import Person

ADMINS = USER_ADMINS
PAGE_SIZE = 50


def _form_error(form: RolesForm, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.text())


@tenant_view
def user_list(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    q = request.GET.get("q", "")
    role = request.GET.get("role", "")
    locked = {"1": True, "0": False}.get(request.GET.get("locked", ""))
    page = page_number(request)
    qs = selectors.user_list(
        actor=request.user,
        q=q,
        role=role if role in Role.values else "",
        locked=locked,
    )
    start = (page - 1) * PAGE_SIZE
    users = list(qs[start : start + PAGE_SIZE + 1])
    context = {
        "users": users[:PAGE_SIZE],
        "has_next": len(users) > PAGE_SIZE,
        "page": page,
        "q": q,
        "role": role,
        "locked": request.GET.get("locked", ""),
        "roles": Role.choices,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/user_list.html#rows", context)
    return render(request, "accounts/user_list.html", context)


def _person_for_create(request: HttpRequest) -> Person | None:
    raw = request.GET.get("person") or request.POST.get("person")
    if not raw or not raw.isdigit():
        return None
    candidates = Person.objects.filter(pk=int(raw), user__isnull=True)
    person = candidates.first()
    if person is None:
        raise NotFound("person.not_found", _("Person not found."))
    return person


@tenant_view
@never_cache
def user_create(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    person = _person_for_create(request)
    q = request.GET.get("q", "")
    people = (
        selectors.people_without_user(actor=request.user, q=q) if person is None else []
    )
    form = UserCreateForm(
        request.POST or None,
        actor=request.user,
        initial={"username": (person.nip or "") if person else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(
                tenant=request.tenant,  # type: ignore[attr-defined]
                actor=request.user,
                username=form.cleaned_data["username"],
                person=person,
                email=form.cleaned_data["email"],
                roles=form.role_specs(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return render(
                request,
                "accounts/password_once.html",
                {"managed": user, "password": password, "created": True},
            )
    return render(
        request,
        "accounts/user_create.html",
        {"form": form, "person": person, "people": people, "q": q},
    )


@tenant_view
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    managed = selectors.user_get_for_admin(actor=request.user, user_id=user_id)
    roles = selectors.user_roles(user=managed)
    form = RolesForm(
        request.POST or None,
        actor=request.user,
        initial=RolesForm.initial_for(roles),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(
                user=managed, actor=request.user, roles=form.role_specs()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Roles saved."))
            return redirect("accounts-user-detail", user_id=managed.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "managed": managed,
            "roles": roles,
            "form": form,
            "locked": selectors.user_is_locked(managed),
        },
    )


@tenant_view
@require_POST
@never_cache
def user_reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    managed = selectors.user_get_for_admin(actor=request.user, user_id=user_id)
    password = services.user_reset_password(user=managed, actor=request.user)
    return render(
        request,
        "accounts/password_once.html",
        {"managed": managed, "password": password, "created": False},
    )


@tenant_view
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    managed = selectors.user_get_for_admin(actor=request.user, user_id=user_id)
    services.user_unlock(user=managed, actor=request.user)
    messages.success(request, _("The account is unlocked."))
    return redirect("accounts-user-detail", user_id=managed.pk)


@tenant_view
@require_POST
def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    managed = selectors.user_get_for_admin(actor=request.user, user_id=user_id)
    if request.POST.get("active") == "1":
        services.user_activate(user=managed, actor=request.user)
        messages.success(request, _("The account is active again."))
    else:
        services.user_deactivate(user=managed, actor=request.user)
        messages.success(request, _("The account is deactivated."))
    return redirect("accounts-user-detail", user_id=managed.pk)


def login(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """allauth's sign-in page; a sign-in refused by ``accounts.throttle`` shows the
    form with the reason, answered 429 with ``Retry-After``."""
    response = allauth_views.login(request, *args, **kwargs)
    retry_after = getattr(request, THROTTLED_ATTR, None)
    if retry_after is not None:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response
