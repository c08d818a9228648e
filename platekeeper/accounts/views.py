from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from platekeeper.accounts import signals
from platekeeper.accounts.banner import SESSION_KEY, SYSTEM_USE_NOTICE
from platekeeper.accounts.middleware import before_second_factor
from platekeeper.accounts.models import Profile


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        profile = getattr(user, "profile", None)
        if profile is not None and profile.is_pending:
            # R4: a new account does nothing until a supervisor approves it.
            raise ValidationError(
                "This account is waiting for a supervisor's approval.",
                code="pending",
            )


def next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@before_second_factor
def login_view(request: HttpRequest) -> HttpResponse:
    """The banner first; the sign-in form only once it is acknowledged."""
    acknowledged = request.session.get(SESSION_KEY, False)
    form = SignInForm(request)
    if request.method == "POST" and "acknowledge" in request.POST:
        request.session[SESSION_KEY] = True
        return redirect(f"{request.path}?next={next_page(request)}")
    if request.method == "POST":
        if not acknowledged:
            return render(
                request,
                "accounts/login.html",
                {
                    "notice": SYSTEM_USE_NOTICE,
                    "acknowledged": False,
                    "next": next_page(request),
                    "refused": "Acknowledge the notice before signing in.",
                },
                status=403,
            )
        if _locked(request.POST.get("username", "")):
            # Refused before the password is even checked: a locked account
            # stays locked whatever is typed, until an administrator releases it.
            signals.login_failed(
                None, {"username": request.POST.get("username", "")}, request
            )
            return render(request, "accounts/locked.html", status=403)
        form = SignInForm(request, data=request.POST)
        if _disabled(
            request.POST.get("username", ""), request.POST.get("password", "")
        ):
            form.add_error(
                None, "This account is disabled. Ask the ALPR administrator."
            )
        elif form.is_valid():
            login(request, form.get_user())
            return redirect(next_page(request))
    return render(
        request,
        "accounts/login.html",
        {
            "notice": SYSTEM_USE_NOTICE,
            "acknowledged": acknowledged,
            "form": form,
            "next": next_page(request),
        },
    )


def _disabled(username: str, password: str) -> bool:
    """A disabled account given its right password: say so rather than "wrong password"."""
    user = User.objects.filter(username=username, is_active=False).first()
    return user is not None and user.check_password(password)


def _locked(username: str) -> bool:
    return Profile.objects.filter(
        user__username=username, locked_at__isnull=False
    ).exists()


@before_second_factor
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts-login")
