from django.urls import path

from platekeeper.accounts import views

urlpatterns = [
    path("login/", views.login_view, name="accounts-login"),
    path("logout/", views.logout_view, name="accounts-logout"),
]
