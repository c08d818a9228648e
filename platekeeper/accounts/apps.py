from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "platekeeper.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Receivers only: nothing starts here (it also runs in migrate and tests).
        from axes.signals import user_locked_out
        from django.conf import settings
        from django.contrib.auth import signals as auth
        from django.db.models.signals import pre_delete

        from platekeeper.accounts import signals

        auth.user_logged_in.connect(signals.logged_in, dispatch_uid="pk-login")
        auth.user_logged_out.connect(signals.logged_out, dispatch_uid="pk-logout")
        auth.user_login_failed.connect(
            signals.login_failed, dispatch_uid="pk-login-failed"
        )
        user_locked_out.connect(signals.locked_out, dispatch_uid="pk-locked-out")
        pre_delete.connect(
            signals.user_deleted,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="pk-user-deleted",
        )
