from django.urls import path

from platekeeper.hotlists import stream, views

urlpatterns = [
    path("alerts/", views.alert_list, name="hotlists-alerts"),
    path("alerts/stream", stream.alert_stream, name="hotlists-alert-stream"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="hotlists-alert"),
]
