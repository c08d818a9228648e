from django.urls import path

from platekeeper.reads import views

urlpatterns = [
    path("api/v1/reads", views.reads, name="reads-ingest"),
    path("api/v1/ingest/<str:fmt>", views.ingest_format, name="reads-ingest-format"),
]
