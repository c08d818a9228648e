from django.urls import path

from platekeeper.audit import audit_views, views

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/breach/", views.breach_view, name="audit-breach"),
    path("audit/audits/", audit_views.audit_list, name="audit-audits"),
    path("audit/audits/<int:audit_id>/", audit_views.audit_detail, name="audit-audit"),
    path("audit/<str:code>/", views.audit_entry, name="audit-entry"),
]
