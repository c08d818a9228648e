from django.urls import path

from platekeeper.search import api, views

urlpatterns = [
    path("search/", views.search, name="search-form"),
    path("api/v1/search", api.search, name="search-api"),
    path("reads/<int:read_id>/", views.read_detail, name="search-read"),
    path(
        "reads/<int:read_id>/image/<str:kind>",
        views.read_image,
        name="search-read-image",
    ),
]
