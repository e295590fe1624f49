from django.apps import AppConfig


class PlainConfig(AppConfig):
    name = "bench.plain"
    label = "benchplain"
    verbose_name = "Benchmark reference form"
    default_auto_field = "django.db.models.BigAutoField"
