from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = "Milestones and progress"
