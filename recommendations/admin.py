from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Recommendation, Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "date", "plan"]
    list_filter = ["plan"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "source", "kind"]
    list_filter = ["source__plan", "kind"]
    filter_horizontal = ["actions"]
