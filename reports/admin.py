from django.contrib import admin

from safeguarding.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import CommitteePack, PackSection, RenderJob


class PackSectionInline(ReadOnlyTabularInline):
    model = PackSection
    extra = 0


@admin.register(CommitteePack)
class CommitteePackAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "meeting_date", "report_title", "plan"]
    inlines = [PackSectionInline]


@admin.register(RenderJob)
class RenderJobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "plan", "pack", "state", "pages", "created_at"]
    readonly_fields = [f.name for f in RenderJob._meta.fields]
