from django.urls import path

from platekeeper.sharing import views

urlpatterns = [
    path("sharing/", views.request_list, name="sharing-requests"),
    path("sharing/new", views.request_new, name="sharing-request-new"),
    path("sharing/report", views.report, name="sharing-report"),
    path("sharing/agencies", views.agencies, name="sharing-agencies"),
    path("sharing/<int:pk>/", views.request_detail, name="sharing-request"),
    path("sharing/<int:pk>/decide", views.request_decide, name="sharing-decide"),
    path("sharing/<int:pk>/fulfil", views.request_fulfil, name="sharing-fulfil"),
    path("sharing/<int:pk>/download", views.request_download, name="sharing-download"),
    path("sharing/<int:pk>/letter", views.request_letter, name="sharing-letter"),
    path("sharing/<int:pk>/document", views.request_document, name="sharing-document"),
    path("sharing/<int:pk>/share", views.share_open, name="sharing-share-open"),
    path("sharing/shares/<int:pk>/", views.share_change, name="sharing-share-change"),
]
