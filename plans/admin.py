from django.contrib import admin

from safeguarding.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from . import memberships
from .models import Action, GlossaryTerm, Membership, Organisation, Person, Plan, PlanApproval, PlanVersion, Theme


class ThemeInline(ReadOnlyTabularInline):
    model = Theme
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "group_label"]
    inlines = [ThemeInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "label", "date"]


admin.site.register(PlanApproval, ReadOnlyAdmin)
admin.site.register(GlossaryTerm, ReadOnlyAdmin, list_display=["term", "definition", "plan"], search_fields=["term"])


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "job_title", "agency", "email", "user"]
    search_fields = ["name", "email"]
    list_filter = ["agency"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["ref", "title", "theme", "action_lead", "plan"]
    list_filter = ["plan", "theme"]
    search_fields = ["ref", "title"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Councils and partner agencies: set up by the host's administrators."""

    list_display = ["name", "parent"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Organisation-wide roles are given here; roles in one plan usually by the plan's invitations."""

    list_display = ["user", "role", "organisation", "plan", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        memberships.membership_grant(
            actor=request.user, user=obj.user, organisation=obj.organisation, plan=obj.plan, role=obj.role, existing=obj
        )

    def delete_model(self, request, obj):
        memberships.membership_revoke(actor=request.user, membership=obj)
