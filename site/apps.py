from django.apps import AppConfig


class MostWantedConfig(AppConfig):
    name = "mostwanted"
    verbose_name = "Most Wanted"

    def ready(self):
        # Wagtail's chooser widgets without inline scripts (admin CSP, docs/admin-csp.md).
        from . import admin_csp

        admin_csp.install()
        # Django's SecurityMiddleware deploy checks, run for the onion-aware subclass.
        from django.core import checks

        from .onion import check_security_middleware

        checks.register(check_security_middleware, checks.Tags.security, deploy=True)
