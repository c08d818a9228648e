from django.urls import path

from platekeeper.search import api, exports, holds, views

urlpatterns = [
    path("search/", views.search, name="search-form"),
    path("search/canvass/", views.canvass_view, name="search-canvass"),
    path("search/export", exports.export, name="search-export"),
    path("search/holds/", holds.hold_list, name="search-holds"),
    path("api/v1/search", api.search, name="search-api"),
    path("reads/<int:read_id>/", views.read_detail, name="search-read"),
    path(
        "reads/<int:read_id>/image/<str:kind>",
        views.read_image,
        name="search-read-image",
    ),
]
