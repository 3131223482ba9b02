from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhengfa.web"
    label = "web"
    verbose_name = "网页 Web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from zhengfa.web.security import session_start_at_login

        # Every sign-in (the form, the admin's, a test's force_login) starts the
        # session's absolute and idle clocks before the session is first saved.
        user_logged_in.connect(session_start_at_login, dispatch_uid="zhengfa.web.session_start")
