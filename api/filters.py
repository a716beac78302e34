"""Query filters. Ids (plan, theme, lead...) that are not in your plans simply match nothing."""

import django_filters as filters

from indicators.models import Indicator, IndicatorValue
from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from milestones.status import Status
from plans.models import Action, Person, Theme
from reports.models import Snapshot, SnapshotMilestone

UPDATED_SINCE = "Only rows recorded at or after this moment (ISO 8601)"


class PlanFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan")


class ThemeFilter(PlanFilter):
    class Meta:
        model = Theme
        fields = ["plan"]


class ActionFilter(PlanFilter):
    theme = filters.NumberFilter(field_name="theme")
    action_lead = filters.NumberFilter(field_name="action_lead")
    ref = filters.CharFilter(field_name="ref")

    class Meta:
        model = Action
        fields = ["plan", "theme", "action_lead", "ref"]


class MilestoneFilter(filters.FilterSet):
    """The plan page's filters: theme, action lead, milestone lead, agency, status, overdue, due between."""

    plan = filters.NumberFilter(field_name="action__plan")
    action = filters.NumberFilter(field_name="action")
    theme = filters.NumberFilter(field_name="action__theme")
    action_lead = filters.NumberFilter(field_name="action__action_lead")
    lead = filters.NumberFilter(field_name="lead")
    agency = filters.ChoiceFilter(field_name="lead__agency", choices=Person.Agency.choices)
    status = filters.ChoiceFilter(field_name="current_status", choices=Status.choices, label="Current status")
    overdue = filters.BooleanFilter(field_name="is_overdue", label="Overdue")
    due_after = filters.DateFilter(field_name="effective_due", lookup_expr="gte", label="Effective due date from")
    due_before = filters.DateFilter(field_name="effective_due", lookup_expr="lte", label="Effective due date to")

    class Meta:
        model = Milestone
        fields = []


class SnapshotMilestoneFilter(filters.FilterSet):
    """The same filters on a snapshot's rows, which hold names: an id is matched by its name, as the
    reports do (reports.data.filter_frozen)."""

    plan = filters.NumberFilter(field_name="snapshot__plan")
    theme = filters.NumberFilter(method="by_name", label="Theme")
    action_lead = filters.NumberFilter(method="by_name", label="Action lead")
    lead = filters.NumberFilter(method="by_name", label="Milestone lead")
    agency = filters.ChoiceFilter(field_name="lead_agency", choices=Person.Agency.choices)
    status = filters.ChoiceFilter(field_name="status", choices=Status.choices)
    overdue = filters.BooleanFilter(field_name="is_overdue")
    due_after = filters.DateFilter(field_name="effective_due", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="effective_due", lookup_expr="lte")

    class Meta:
        model = SnapshotMilestone
        fields = []

    def by_name(self, queryset, name, value):
        model = Theme if name == "theme" else Person
        found = model.objects.filter(pk=value).values_list("name", flat=True).first()
        return queryset.filter(**{name: found}) if found else queryset.none()


class ProgressUpdateFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="milestone__action__plan")
    milestone = filters.NumberFilter(field_name="milestone")
    status = filters.ChoiceFilter(choices=Status.choices)
    source = filters.ChoiceFilter(choices=ProgressUpdate.Source.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = ProgressUpdate
        fields = []


class ExceptionFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="milestone__action__plan")
    milestone = filters.NumberFilter(field_name="milestone")
    updated_since = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = SlippageRecord
        fields = []


class IndicatorFilter(PlanFilter):
    section = filters.NumberFilter(field_name="section")
    code = filters.CharFilter(field_name="code")

    class Meta:
        model = Indicator
        fields = ["plan", "section", "code"]


class IndicatorValueFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="indicator__plan")
    indicator = filters.NumberFilter(field_name="indicator")
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")
    updated_since = filters.IsoDateTimeFilter(field_name="entered_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = IndicatorValue
        fields = []


class SnapshotFilter(PlanFilter):
    kind = filters.ChoiceFilter(choices=Snapshot.Kind.choices)
    period = filters.DateFilter(field_name="period")
    updated_since = filters.IsoDateTimeFilter(field_name="taken_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = Snapshot
        fields = ["plan", "kind", "period"]
