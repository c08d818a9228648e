from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from platekeeper.accounts.access import capabilities
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.service import health


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


# Where each kind of user starts: the first of these their title allows.
STARTS = [
    (Capability.SEARCH_FULL, "search-form"),
    (Capability.HANDLE_ALERTS, "hotlists-alerts"),
    (Capability.SEARCH_RECENT, "search-form"),
    (Capability.MANAGE_CAMERAS, "reads-cameras"),
    (Capability.REVIEW_AUDIT, "audit-log"),
    (Capability.APPROVE_SHARING, "search-holds"),
]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts-login")
    found = current_rules()
    caps = capabilities(request.user, found[1] if found else None)
    for capability, page in STARTS:
        if capability in caps:
            return redirect(page)
    # No ALPR capability (or training missing): the search page says which and why.
    return redirect("search-form")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("health", health.health, name="health"),
    path("", include("platekeeper.accounts.urls")),
    path("", include("platekeeper.reads.urls")),
    path("", include("platekeeper.search.urls")),
    path("", include("platekeeper.hotlists.urls")),
    path("", include("platekeeper.audit.urls")),
    path("", include("platekeeper.retention.urls")),
    path("", include("platekeeper.sharing.urls")),
    path("", include("platekeeper.policy.urls")),
    path("", include("platekeeper.recognition.urls")),
]
