"""The terminals page: the ALPR administrator registers the browser in front of
them as a terminal (a patrol car's MDT, a dispatch console, an alert display)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from platekeeper.accounts import terminals
from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.accounts.models import Terminal
from platekeeper.audit.record import Actor
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules


class TerminalForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name (e.g. Unit 12 MDT)")
    kind = forms.ChoiceField(choices=Terminal.Kind.choices)


@login_required
def terminal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.MANAGE_ACCOUNTS, "terminals"):
        return refused
    agency = request.user.profile.agency
    form = TerminalForm(request.POST or None)
    registered = None
    token = ""
    if request.method == "POST" and form.is_valid():
        registered, token = terminals.register(
            agency,
            form.cleaned_data["name"],
            form.cleaned_data["kind"],
            actor=Actor.of_request(request),
        )
        form = TerminalForm()
    found = current_rules()
    exempt = found[1].sessions.idle_exempt_terminals if found else []
    response = render(
        request,
        "accounts/terminals.html",
        {
            "form": form,
            "registered": registered,
            "exempt": exempt,
            "current": terminals.of_request(request, agency),
            "terminals": Terminal.objects.filter(
                agency=agency, retired_at=None
            ).order_by("name"),
        },
        status=400 if form.errors else 200,
    )
    if token:
        terminals.set_cookie(response, token, request.is_secure())
    return response
