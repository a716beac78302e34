"""Query filters. Ids (plan, theme, lead...) that are not in your plans simply match nothing."""

import datetime

import django_filters as filters
from django import forms

from indicators.models import Indicator, IndicatorValue
from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from milestones.status import Status
from plans.models import Action, Person, Theme
from reports.models import Snapshot, SnapshotMilestone

UPDATED_SINCE = "Only rows recorded at or after this moment (ISO 8601)"


class UtcIsoDateTimeField(filters.fields.IsoDateTimeField):
    """A moment in any time zone, compared in UTC: PostgreSQL refuses offsets beyond ±15:59, which
    ISO 8601 allows (a 500 found by the schema fuzzing)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.timezone.utc)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Give a moment between the years 1 and 9999.", code="invalid") from None


class UpdatedSinceFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


MAX_ID = 2**63 - 1  # the largest id a database column holds (bigint; SQLite's INTEGER)


class IdFilter(filters.NumberFilter):
    """A row's id: a whole number a database id column can hold (else 400), not any decimal: a larger
    number reached the database and failed there (a 500 on SQLite, found by the schema fuzzing)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class PlanFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")


class ThemeFilter(PlanFilter):
    class Meta:
        model = Theme
        fields = ["plan"]


class ActionFilter(PlanFilter):
    theme = IdFilter(field_name="theme")
    action_lead = IdFilter(field_name="action_lead")
    ref = filters.CharFilter(field_name="ref")

    class Meta:
        model = Action
        fields = ["plan", "theme", "action_lead", "ref"]


class MilestoneFilter(filters.FilterSet):
    """The plan page's filters: theme, action lead, milestone lead, agency, status, overdue, due between."""

    plan = IdFilter(method="plan_milestones", label="Plan")
    action = IdFilter(field_name="action")
    theme = IdFilter(field_name="action__theme")
    action_lead = IdFilter(field_name="action__action_lead")
    lead = IdFilter(field_name="lead")
    agency = filters.ChoiceFilter(field_name="lead__agency", choices=Person.Agency.choices)
    status = filters.ChoiceFilter(field_name="current_status", choices=Status.choices, label="Current status")
    overdue = filters.BooleanFilter(field_name="is_overdue", label="Overdue")
    due_after = filters.DateFilter(field_name="effective_due", lookup_expr="gte", label="Effective due date from")
    due_before = filters.DateFilter(field_name="effective_due", lookup_expr="lte", label="Effective due date to")

    class Meta:
        model = Milestone
        fields = []

    def plan_milestones(self, queryset, name, value):
        # By the plan's action ids, read first (one small query): a join filter on action__plan led
        # PostgreSQL to walk all milestones in id order for a page's first 100 (121 ms for the last of 150
        # plans of 2,000 milestones; 18 ms this way, about the same as the join for a plan on its own).
        actions = list(Action.objects.filter(plan_id=value).values_list("pk", flat=True))
        return queryset.filter(action_id__in=actions)


class SnapshotMilestoneFilter(filters.FilterSet):
    """The same filters on a snapshot's rows, which hold names: an id is matched by its name, as the
    reports do (reports.data.filter_frozen)."""

    plan = IdFilter(field_name="snapshot__plan")
    theme = IdFilter(method="by_name", label="Theme")
    action_lead = IdFilter(method="by_name", label="Action lead")
    lead = IdFilter(method="by_name", label="Milestone lead")
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
    plan = IdFilter(field_name="milestone__action__plan")
    milestone = IdFilter(field_name="milestone")
    status = filters.ChoiceFilter(choices=Status.choices)
    source = filters.ChoiceFilter(choices=ProgressUpdate.Source.choices)
    updated_since = UpdatedSinceFilter(field_name="created_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = ProgressUpdate
        fields = []


class ExceptionFilter(filters.FilterSet):
    plan = IdFilter(field_name="milestone__action__plan")
    milestone = IdFilter(field_name="milestone")
    updated_since = UpdatedSinceFilter(field_name="created_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = SlippageRecord
        fields = []


class IndicatorFilter(PlanFilter):
    section = IdFilter(field_name="section")
    code = filters.CharFilter(field_name="code")

    class Meta:
        model = Indicator
        fields = ["plan", "section", "code"]


class IndicatorValueFilter(filters.FilterSet):
    plan = IdFilter(field_name="indicator__plan")
    indicator = IdFilter(field_name="indicator")
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")
    updated_since = UpdatedSinceFilter(field_name="entered_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = IndicatorValue
        fields = []


class SnapshotFilter(PlanFilter):
    kind = filters.ChoiceFilter(choices=Snapshot.Kind.choices)
    period = filters.DateFilter(field_name="period")
    updated_since = UpdatedSinceFilter(field_name="taken_at", lookup_expr="gte", label=UPDATED_SINCE)

    class Meta:
        model = Snapshot
        fields = ["plan", "kind", "period"]
