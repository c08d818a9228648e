from django.urls import path

from platekeeper.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/breach/", views.breach_view, name="audit-breach"),
    path("audit/<str:code>/", views.audit_entry, name="audit-entry"),
]
