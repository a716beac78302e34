from django.contrib import admin

from .models import CommitteePack, PackSection, RenderJob


class PackSectionInline(admin.StackedInline):
    model = PackSection
    extra = 0


@admin.register(CommitteePack)
class CommitteePackAdmin(admin.ModelAdmin):
    list_display = ["meeting", "meeting_date", "report_title", "plan"]
    inlines = [PackSectionInline]


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "plan", "pack", "state", "pages", "created_at"]
    readonly_fields = [f.name for f in RenderJob._meta.fields]
