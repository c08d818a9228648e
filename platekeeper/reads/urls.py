from django.urls import path

from platekeeper.reads import cameras, views

urlpatterns = [
    path("api/v1/reads", views.reads, name="reads-ingest"),
    path("api/v1/ingest/<str:fmt>", views.ingest_format, name="reads-ingest-format"),
    path("cameras/", cameras.camera_list, name="reads-cameras"),
]
