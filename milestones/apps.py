from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = "Milestones and progress"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the object permissions)
