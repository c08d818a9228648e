from django.urls import path

from platekeeper.retention import views

urlpatterns = [
    path("holds/", views.hold_list, name="retention-holds"),
    path("holds/new", views.hold_new, name="retention-hold-new"),
    path("holds/<int:hold_id>/", views.hold_detail, name="retention-hold"),
    path("holds/<int:hold_id>/decide", views.hold_decide, name="retention-hold-decide"),
    path(
        "holds/<int:hold_id>/package", views.hold_package, name="retention-hold-package"
    ),
    path("retention/", views.status, name="retention-status"),
]
