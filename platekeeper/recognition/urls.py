from django.urls import path

from platekeeper.recognition import device_api, views

urlpatterns = [
    path("recognition/photo", views.photo, name="recognition-photo"),
    path("api/v1/device/operator", device_api.sign_in, name="device-sign-in"),
    path("api/v1/device/hotlist", device_api.hot_list, name="device-hotlist"),
    path("api/v1/device/accesses", device_api.accesses, name="device-accesses"),
]
