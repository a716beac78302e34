from django.contrib import admin

from .models import Action, GlossaryTerm, Person, Plan, PlanApproval, PlanVersion, Theme


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "group_label"]
    inlines = [ThemeInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "date"]


admin.site.register(PlanApproval)
admin.site.register(GlossaryTerm, list_display=["term", "definition", "plan"], search_fields=["term"])


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "agency", "email", "user"]
    search_fields = ["name", "email"]
    list_filter = ["agency"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "theme", "action_lead", "plan"]
    list_filter = ["plan", "theme"]
    search_fields = ["ref", "title"]
