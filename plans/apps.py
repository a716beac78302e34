from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Improvement plans"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the object permissions)
