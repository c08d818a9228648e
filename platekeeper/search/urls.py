from django.urls import path

from platekeeper.search import views

urlpatterns = [
    path("search/", views.search, name="search-form"),
    path("reads/<int:read_id>/", views.read_detail, name="search-read"),
    path(
        "reads/<int:read_id>/image/<str:kind>",
        views.read_image,
        name="search-read-image",
    ),
]
