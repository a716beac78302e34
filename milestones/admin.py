from django.contrib import admin

from safeguarding.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Milestone, ProgressUpdate


class ProgressUpdateInline(ReadOnlyTabularInline):
    """Read-only: progress history is append-only evidence."""

    model = ProgressUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["reporting_month", "status", "note", "author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["description", "action", "due_date", "revised_due_date", "lead"]
    list_filter = ["action__plan", "action__theme"]
    search_fields = ["description", "action__ref"]
    inlines = [ProgressUpdateInline]

    def get_readonly_fields(self, request, obj=None):
        return ["due_date"] if obj else []


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "reporting_month", "status", "author", "created_at"]
    readonly_fields = ["milestone", "reporting_month", "status", "note", "author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
