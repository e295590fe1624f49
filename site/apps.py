from django.apps import AppConfig


class MostWantedConfig(AppConfig):
    name = "mostwanted"
    verbose_name = "Most Wanted"
