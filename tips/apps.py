from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = "Tips"

    def ready(self):
        from mostwanted import health

        # sanitize caps Pillow's logging; retention connects the purge of answer photos.
        from . import ratelimit, retention, sanitize  # noqa: F401
        from .admin import counts

        counts.connect()  # cached per-status counts are dropped when a tip changes
        from . import enrolment

        enrolment.install()  # TOTP secrets encrypted at rest
        from . import roles

        roles.connect()  # tip roles not editable in Wagtail's user and group screens
        from . import trust

        trust.connect()  # no task traceback kept in the database
        from . import coarse_times

        coarse_times.connect()  # task rows and tipster audit times only to the minute

        # /healthz reports a failing rate-limit cache (tips are then accepted under the
        # per-process fallback limit, see tips.ratelimit).
        if ratelimit.health_problem not in health.EXTRA_CHECKS:
            health.EXTRA_CHECKS.append(ratelimit.health_problem)
        # ... and warns (status stays 200) when tips would be refused: no recovery key, no
        # default desk, or a desk receiving tips that nobody can read.
        from .health import tip_line_warnings

        if tip_line_warnings not in health.WARNING_CHECKS:
            health.WARNING_CHECKS.append(tip_line_warnings)
