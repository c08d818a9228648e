from django.urls import path

from platekeeper.accounts import mfa, password, review, terminal_views, tokens, views

urlpatterns = [
    path("login/", views.login_view, name="accounts-login"),
    path("login/enroll/", mfa.enroll, name="accounts-enroll"),
    path("login/code/", mfa.code, name="accounts-code"),
    path("logout/", views.logout_view, name="accounts-logout"),
    path("account/password/", password.change, name="accounts-password"),
    path("account/token/", tokens.token_page, name="accounts-token"),
    path("accounts/review/", review.review_page, name="accounts-review"),
    path("terminals/", terminal_views.terminal_list, name="accounts-terminals"),
]
