from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("search-form")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("platekeeper.accounts.urls")),
    path("", include("platekeeper.reads.urls")),
    path("", include("platekeeper.search.urls")),
    path("", include("platekeeper.hotlists.urls")),
]
