"""What the API returns. Output serializers are read-only; the views build their rows (live
milestones annotated by milestones.querysets, snapshot rows as frozen) and these lay them out."""

import datetime
import decimal
import functools
import types

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.settings import ISO_8601, api_settings

from milestones.status import Status
from plans import roles
from plans.models import Organisation, Person, Plan, Theme
from safeguarding import dates

from .filters import MAX_ID

DECIMAL = {"max_digits": 12, "decimal_places": 3, "coerce_to_string": True, "allow_null": True}

_CALLED = frozenset({types.FunctionType, types.MethodType, functools.partial})


def _attribute_getter(field):
    """DRF's Field.get_attribute for one field, without its per-call generality on the usual path;
    anything unusual (a missing attribute, a related object that does not exist) takes DRF's own path,
    so defaults, allow_null and its error message stay DRF's."""
    source_attrs = field.source_attrs

    def get(instance):
        value = instance
        try:
            for attr in source_attrs:
                # type() checks: isinstance against Mapping costs more than the lookup (other mappings
                # and callables are rare here, and reach the same result through DRF's path).
                value = value[attr] if type(value) is dict else getattr(value, attr)
                if type(value) in _CALLED:  # DRF calls a method named as a source
                    value = value()
        except (KeyError, AttributeError, ObjectDoesNotExist):
            try:
                return field.get_attribute(instance)
            except SkipField:
                return SkipField
        return value

    return get


# A value of this type is its own output for this exact field class (DRF returns int(v), str(v), v).
_OWN_OUTPUT = {serializers.IntegerField: int, serializers.CharField: str, serializers.BooleanField: bool}
_MISSING = object()


def _representer(field):
    """field.to_representation, with a short path for the usual value of the usual fields; any other
    value (or field setting) takes DRF's own method. Built once per serializer per request, so the
    request's time zone and decimal context are read once, not per value."""
    represent = field.to_representation
    kind = type(field)
    if (
        kind is serializers.DecimalField
        and field.coerce_to_string
        and not field.localize
        and not field.normalize_output
        and field.decimal_places is not None
    ):
        exponent = decimal.Decimal(".1") ** field.decimal_places
        context = decimal.getcontext().copy()
        if field.max_digits is not None:
            context.prec = field.max_digits
        rounding = field.rounding

        def decimal_string(value):
            if type(value) is not decimal.Decimal:
                return represent(value)
            return f"{value.quantize(exponent, rounding=rounding, context=context):f}"

        return decimal_string
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if (
        kind is serializers.DateTimeField
        and isinstance(output_format, str)
        and output_format.lower() == ISO_8601
        and not hasattr(field, "timezone")
    ):
        zone = field.default_timezone()
        if zone is None:
            return represent

        def iso_datetime(value):
            if type(value) is not datetime.datetime or value.tzinfo is None:
                return represent(value)
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return iso_datetime
    return represent


class QuickReadSerializer(serializers.Serializer):
    """A read serializer whose rows are laid out without DRF's per-field machinery: the same dict as
    Serializer.to_representation (tests/api/test_quick_read.py compares them on every list's rows), at
    a third of the cost; API lists lay out thousands of fields a page (60 indicators carry about 1,400
    nested figures). Fields whose value is the whole row ("*", method fields) keep DRF's own path."""

    def _quick_plan(self):
        """(name, attribute, getter, own type, representer) per field; attribute is set when the source
        is one attribute name, read inline on the usual path."""
        plan = []
        for field in self._readable_fields:
            if field.source == "*":
                plan.append((field.field_name, None, None, None, field.to_representation))
            else:
                attribute = field.source_attrs[0] if len(field.source_attrs) == 1 else None
                own = _OWN_OUTPUT.get(type(field))
                plan.append((field.field_name, attribute, _attribute_getter(field), own, _representer(field)))
        return plan

    def to_representation(self, instance):
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = self._quick_plan()
        row = {}
        inline = type(instance) is not dict
        for name, attribute, get, own, represent in plan:
            if get is None:
                row[name] = represent(instance)
                continue
            if inline and attribute is not None:
                value = getattr(instance, attribute, _MISSING)
                if value is _MISSING or type(value) in _CALLED:
                    value = get(instance)  # missing, or a method to call: DRF's rules
            else:
                value = get(instance)
            if value is SkipField:
                continue
            row[name] = value if value is None or type(value) is own else represent(value)
        return row


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2009-10"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (stored as its first day)."""

    default_error_messages = {"invalid": "Give a month as YYYY-MM."}

    def to_representation(self, value):
        return dates.month_code(value) if value else None

    def to_internal_value(self, data):
        month = dates.parse_month(str(data)) if data not in (None, "") else None
        if month is None:
            self.fail("invalid")
        return month


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "parent"]


class PlanSerializer(serializers.ModelSerializer):
    my_roles = serializers.SerializerMethodField(help_text="Your roles in this plan")

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "owner",
            "organisation",
            "purpose",
            "period_start",
            "period_end",
            "group_label",
            "update_deadline_working_day",
            "my_roles",
        ]

    def get_my_roles(self, plan) -> list[str]:
        return sorted(roles.plan_roles(self.context["request"].user, plan))


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "plan", "name", "order"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "job_title", "agency", "organisation"]


class ActionSerializer(QuickReadSerializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    theme = serializers.IntegerField(source="theme_id")
    theme_name = serializers.CharField(source="theme.name")
    ref = serializers.CharField()
    title = serializers.CharField()
    action_lead = serializers.IntegerField(source="action_lead_id")
    action_lead_name = serializers.CharField(source="action_lead.name")
    expected_outcome = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField(), source="source_list")


class MilestoneSerializer(QuickReadSerializer):
    """A milestone as at a month (live), or as frozen in a snapshot (then the ids of its action,
    theme and leads are null: a snapshot keeps their names)."""

    id = serializers.IntegerField(allow_null=True, help_text="The milestone's id")
    plan = serializers.IntegerField()
    action = serializers.IntegerField(allow_null=True)
    action_ref = serializers.CharField()
    action_title = serializers.CharField()
    theme = serializers.IntegerField(allow_null=True)
    theme_name = serializers.CharField()
    description = serializers.CharField()
    order = serializers.IntegerField()
    planned_start = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True, help_text="The original due date (never changed)")
    revised_due_date = serializers.DateField(allow_null=True)
    effective_due_date = serializers.DateField(allow_null=True, help_text="The revised due date, else the due date")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    status_reason = serializers.CharField(help_text="The lead's reason for keeping a flagged status")
    status_flags = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(help_text="The latest progress note")
    note_month = MonthField(allow_null=True, help_text="The reporting month of the latest update")
    last_updated_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    lead = serializers.IntegerField(allow_null=True)
    lead_name = serializers.CharField()
    lead_agency = serializers.CharField()
    action_lead = serializers.IntegerField(allow_null=True)
    action_lead_name = serializers.CharField()
    replan_count = serializers.IntegerField()
    as_at = MonthField()
    snapshot = serializers.IntegerField(allow_null=True)


class ReviewSerializer(QuickReadSerializer):
    decision = serializers.CharField()
    comment = serializers.CharField()
    reviewer_name = serializers.CharField()
    created_at = serializers.DateTimeField()


def person_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


class ProgressUpdateSerializer(QuickReadSerializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id")
    plan = serializers.IntegerField(source="milestone.action.plan_id")
    reporting_month = MonthField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.SerializerMethodField()
    note = serializers.CharField()
    status_reason = serializers.CharField()
    source = serializers.CharField()
    author_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_status_label(self, update) -> str:
        """In the plan's status scheme ("Amber" for a RAG plan)."""
        return update.milestone.action.plan.scheme.label(update.status)

    review = serializers.SerializerMethodField(help_text="The sign-off or return, if any")

    def get_author_name(self, update) -> str:
        return person_name(update.author)

    def get_review(self, update) -> ReviewSerializer(allow_null=True):
        review = update.review_state()
        if review is None:
            return None
        return {
            "decision": review.decision,
            "comment": review.comment,
            "reviewer_name": person_name(review.reviewer),
            "created_at": serializers.DateTimeField().to_representation(review.created_at),
        }


class ProgressUpdateInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reporting_month = MonthField(required=False, help_text="Default: the current month")
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    status_reason = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ExceptionSerializer(QuickReadSerializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone_id")
    plan = serializers.IntegerField(source="milestone.action.plan_id")
    reason_for_slippage = serializers.CharField()
    actions_to_achieve = serializers.CharField()
    support_required = serializers.CharField()
    revised_completion_date = serializers.DateField(allow_null=True)
    other_milestones_impacted = serializers.CharField()
    replanned = serializers.BooleanField()
    replaced_due_date = serializers.DateField(allow_null=True)
    author_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author_name(self, record) -> str:
        return person_name(record.author)


class IndicatorValueSerializer(QuickReadSerializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    period = MonthField()
    label = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL)
    numerator = serializers.DecimalField(**DECIMAL)
    denominator = serializers.DecimalField(**DECIMAL)
    no_data = serializers.BooleanField()
    ytd_entered = serializers.DecimalField(**DECIMAL)
    entered_at = serializers.DateTimeField()


class IndicatorValueListSerializer(IndicatorValueSerializer):
    plan = serializers.IntegerField(source="indicator.plan_id")
    code = serializers.CharField(source="indicator.code")
    entered_by_name = serializers.SerializerMethodField()

    def get_entered_by_name(self, value) -> str:
        return person_name(value.entered_by)


class IndicatorValueInputSerializer(serializers.Serializer):
    """A period's figure: a value, or a numerator and denominator, or no_data. The figures not
    given are cleared: the request is the whole figure for the period."""

    indicator = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Required to create (POST)"
    )
    period = MonthField(required=False, help_text="Required to create (POST); PUT may move the figure")
    value = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True, default=None)
    numerator = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True, default=None)
    denominator = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, default=None
    )
    no_data = serializers.BooleanField(required=False, default=False)
    ytd_entered = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True, default=None
    )


FIGURES = ("value", "numerator", "denominator", "no_data", "ytd_entered")


class PeriodSerializer(QuickReadSerializer):
    period = MonthField(allow_null=True)
    label = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL)
    no_data = serializers.BooleanField()


class YearSerializer(QuickReadSerializer):
    year = serializers.IntegerField(help_text="Starting year: 2009 for 2009/10")
    label = serializers.CharField()
    target = serializers.DecimalField(**DECIMAL)
    tolerance = serializers.DecimalField(**DECIMAL)
    tolerance_kind = serializers.CharField()
    outturn = serializers.DecimalField(**DECIMAL)


class CommentarySerializer(QuickReadSerializer):
    period = MonthField()
    commentary = serializers.CharField()
    current_activities = serializers.CharField()
    best_practice = serializers.CharField()


class IndicatorSerializer(QuickReadSerializer):
    """An indicator with its figures, targets, and its status, trend and year to date as at a month
    (indicators/rules.py, through Indicator.summarise)."""

    id = serializers.IntegerField()
    plan = serializers.IntegerField()
    section = serializers.IntegerField()
    section_name = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    polarity = serializers.CharField()
    frequency = serializers.CharField()
    data_only = serializers.BooleanField()
    ytd_method = serializers.CharField()
    decimal_places = serializers.IntegerField()
    owner_name = serializers.CharField()
    as_at = MonthField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    trend = serializers.CharField(allow_null=True)
    trend_label = serializers.CharField(allow_null=True)
    ytd = serializers.DecimalField(**DECIMAL)
    ytd_computed = serializers.BooleanField()
    target = serializers.DecimalField(**DECIMAL)
    year = serializers.IntegerField()
    year_label = serializers.CharField()
    last_year_outturn = serializers.DecimalField(**DECIMAL)
    latest = PeriodSerializer(allow_null=True)
    previous = PeriodSerializer(allow_null=True)
    commentary = CommentarySerializer(allow_null=True)
    years = YearSerializer(many=True)
    values = IndicatorValueSerializer(many=True, help_text="From the start of last reporting year to as_at")


class SnapshotSerializer(QuickReadSerializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    period = MonthField()
    kind = serializers.CharField()
    taken_at = serializers.DateTimeField()
    taken_by = serializers.CharField(source="taken_by_label")
    by_schedule = serializers.BooleanField()
    retake_of = serializers.IntegerField(source="retake_of_id", allow_null=True)
    superseded = serializers.BooleanField(help_text="Retaken since: another snapshot is in force for the month")


class SnapshotMilestoneRowSerializer(QuickReadSerializer):
    """A milestone exactly as frozen in a snapshot (flat; never changes)."""

    id = serializers.IntegerField(help_text="The row's id")
    snapshot = serializers.IntegerField(source="snapshot_id")
    milestone = serializers.IntegerField(source="milestone_id", allow_null=True)
    theme = serializers.CharField()
    action_ref = serializers.CharField()
    action_title = serializers.CharField()
    action_lead = serializers.CharField()
    description = serializers.CharField()
    order = serializers.IntegerField()
    planned_start = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    revised_due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_reason = serializers.CharField()
    status_flags = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    note_month = MonthField(allow_null=True)
    lead = serializers.CharField()
    lead_agency = serializers.CharField()
    overdue = serializers.BooleanField(source="is_overdue")
    replan_count = serializers.IntegerField()
    exception_reason_for_slippage = serializers.SerializerMethodField()
    exception_actions_to_achieve = serializers.SerializerMethodField()
    exception_support_required = serializers.SerializerMethodField()
    exception_revised_completion_date = serializers.SerializerMethodField()
    exception_other_milestones_impacted = serializers.SerializerMethodField()

    def _exception(self, row, name):
        return (row.exception or {}).get(name)

    def get_exception_reason_for_slippage(self, row) -> str | None:
        return self._exception(row, "reason_for_slippage")

    def get_exception_actions_to_achieve(self, row) -> str | None:
        return self._exception(row, "actions_to_achieve")

    def get_exception_support_required(self, row) -> str | None:
        return self._exception(row, "support_required")

    def get_exception_revised_completion_date(self, row) -> str | None:
        return self._exception(row, "revised_completion_date")

    def get_exception_other_milestones_impacted(self, row) -> str | None:
        return self._exception(row, "other_milestones_impacted")


class SnapshotIndicatorRowSerializer(QuickReadSerializer):
    """An indicator exactly as frozen in a snapshot (flat; never changes)."""

    id = serializers.IntegerField(help_text="The row's id")
    snapshot = serializers.IntegerField()
    indicator = serializers.IntegerField(allow_null=True)
    section = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    last_year_label = serializers.CharField()
    last_year_outturn = serializers.CharField(allow_null=True)
    previous_label = serializers.CharField(allow_null=True)
    previous_value = serializers.CharField(allow_null=True)
    previous_no_data = serializers.BooleanField(allow_null=True)
    latest_label = serializers.CharField(allow_null=True)
    latest_value = serializers.CharField(allow_null=True)
    latest_no_data = serializers.BooleanField(allow_null=True)
    trend = serializers.CharField(allow_null=True)
    ytd = serializers.CharField(allow_null=True)
    ytd_computed = serializers.BooleanField()
    target = serializers.CharField(allow_null=True)
    year_label = serializers.CharField()
    status = serializers.CharField()
    commentary = serializers.CharField(allow_null=True)
    current_activities = serializers.CharField(allow_null=True)
    best_practice = serializers.CharField(allow_null=True)
