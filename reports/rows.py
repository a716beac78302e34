"""Report rows: one shape for a milestone, whether read live or from a snapshot.

The data layer builds `MilestoneRow`s from either source, so formatters and filters never ask
which they have. `MilestoneRows` says where the rows come from: the live milestones as at a
month (annotated by `MilestoneQuerySet.with_current_status`) or a snapshot's frozen rows. Both
are querysets that answer to the same names (`current_status`, `effective_due`, `is_overdue`),
so the plan-page filters, the exception rule and the dashboard's lists run in SQL on either.

`is_overdue` is never worked out here: a live row copies the SQL annotation (the one overdue
rule, `milestones.querysets.overdue_rule`) and a frozen row copies what the snapshot froze from it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from milestones.filters import MilestoneFilter
from milestones.models import Milestone, SlippageRecord
from milestones.querysets import judged_on
from milestones.status import Status, status_flags

# A milestone is listed in the exception report when it is not on track or overdue (both sources),
# or when it has an open exception record (see MilestoneRows.exception_rule).
EXCEPTION = Q(current_status=Status.NOT_ON_TRACK) | Q(is_overdue=True)


@dataclass(frozen=True)
class ThemeRow:
    name: str
    order: int

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class ActionRow:
    ref: str  # unique in a plan
    title: str
    action_lead: str
    theme: ThemeRow
    ref_sort_key: str = ""
    id: int | None = None  # the live action's id, for links; a snapshot keeps no ids

    @property
    def pk(self):
        return self.ref


@dataclass(frozen=True)
class ExceptionRecordRow:
    """The latest exception record of a milestone."""

    reason_for_slippage: str
    actions_to_achieve: str
    support_required: str
    revised_completion_date: datetime.date | None
    other_milestones_impacted: str

    @classmethod
    def from_record(cls, record):
        return cls(
            record.reason_for_slippage,
            record.actions_to_achieve,
            record.support_required,
            record.revised_completion_date,
            record.other_milestones_impacted,
        )

    @classmethod
    def from_frozen(cls, data):
        revised = data.get("revised_completion_date")
        return cls(
            data["reason_for_slippage"],
            data["actions_to_achieve"],
            data["support_required"],
            datetime.date.fromisoformat(revised) if revised else None,
            data["other_milestones_impacted"],
        )

    def frozen(self) -> dict:
        return {
            "reason_for_slippage": self.reason_for_slippage,
            "actions_to_achieve": self.actions_to_achieve,
            "support_required": self.support_required,
            "revised_completion_date": self.revised_completion_date.isoformat()
            if self.revised_completion_date
            else None,
            "other_milestones_impacted": self.other_milestones_impacted,
        }


@dataclass(frozen=True)
class MilestoneRow:
    pk: int | None  # the milestone's id (None if a frozen row's milestone was deleted)
    action: ActionRow
    description: str
    order: int
    planned_start: datetime.date | None
    due_date: datetime.date | None
    revised_due_date: datetime.date | None
    current_status: str
    current_status_reason: str
    current_note: str
    current_month: datetime.date | None
    lead: str
    lead_agency: str
    is_overdue: bool
    replan_count: int
    status_flags: list = field(default_factory=list)
    exception_record: ExceptionRecordRow | None = None

    @property
    def effective_due(self):
        return self.revised_due_date or self.due_date

    @property
    def status_reasons(self):
        """Why the milestone is in the exception report ([] when it is not)."""
        reasons = ["Not on track"] if self.current_status == Status.NOT_ON_TRACK else []
        return reasons + (["Overdue"] if self.is_overdue else [])

    @classmethod
    def from_milestone(cls, m, judged, record=None):
        """From a milestone read by MilestoneQuerySet.with_current_status (and with_replan_count, with_leads)."""
        action = m.action
        return cls.from_values(
            {
                "pk": m.pk,
                "action__ref": action.ref,
                "action__title": action.title,
                "action__action_lead__name": action.action_lead.name,
                "action__theme__name": action.theme.name,
                "action__theme__order": action.theme.order,
                "action__ref_sort_key": action.ref_sort_key,
                "action_id": action.pk,
                "description": m.description,
                "order": m.order,
                "planned_start": m.planned_start,
                "due_date": m.due_date,
                "revised_due": m.revised_due if hasattr(m, "revised_due") else m.revised_due_date,
                "current_status": m.current_status,
                "current_status_reason": m.current_status_reason,
                "current_note": m.current_note,
                "current_month": m.current_month,
                "lead__name": m.lead.name,
                "lead__agency": m.lead.agency,
                "is_overdue": m.is_overdue,
                "replan_count": m.replan_count,
            },
            judged,
            record,
        )

    @classmethod
    def from_values(cls, v, judged, record=None):
        """From a row of live_milestones(...).values(*LIVE_ROW_FIELDS): a report of hundreds of rows
        builds no model instances (a third of the exception report's time went on them)."""
        due = v["due_date"]
        revised = v["revised_due"]
        return cls(
            pk=v["pk"],
            action=ActionRow(
                ref=v["action__ref"],
                title=v["action__title"],
                action_lead=v["action__action_lead__name"],
                theme=ThemeRow(v["action__theme__name"], v["action__theme__order"]),
                ref_sort_key=v["action__ref_sort_key"],
                id=v["action_id"],
            ),
            description=v["description"],
            order=v["order"],
            planned_start=v["planned_start"],
            due_date=due,
            revised_due_date=revised,
            current_status=v["current_status"],
            current_status_reason=v["current_status_reason"],
            current_note=v["current_note"],
            current_month=v["current_month"],
            lead=v["lead__name"],
            lead_agency=v["lead__agency"],
            is_overdue=bool(v["is_overdue"]),
            replan_count=v["replan_count"],
            # effective due as Milestone.effective_due_date gives it (the model's property).
            status_flags=status_flags(v["current_status"], v["planned_start"], revised or due, judged),
            exception_record=ExceptionRecordRow.from_record(record) if record else None,
        )

    @classmethod
    def from_frozen(cls, row):
        """From a SnapshotMilestone."""
        return cls(
            pk=row.milestone_id,
            action=ActionRow(
                ref=row.action_ref,
                title=row.action_title,
                action_lead=row.action_lead,
                theme=ThemeRow(row.theme, row.theme_order),
                ref_sort_key=row.action_ref_sort_key,
            ),
            description=row.description,
            order=row.order,
            planned_start=row.planned_start,
            due_date=row.due_date,
            revised_due_date=row.revised_due_date,
            current_status=row.status,
            current_status_reason=row.status_reason,
            current_note=row.note,
            current_month=row.note_month,
            lead=row.lead,
            lead_agency=row.lead_agency,
            is_overdue=row.is_overdue,
            replan_count=row.replan_count,
            status_flags=list(row.status_flags),
            exception_record=ExceptionRecordRow.from_frozen(row.exception) if row.exception else None,
        )


class FrozenMilestoneFilter(MilestoneFilter):
    """The plan-page filters on a snapshot's rows: the same form, in SQL. A snapshot keeps names,
    not ids, so theme and leads are matched by name, as frozen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("theme", "action_lead", "lead"):
            self.filters[name].field_name = name
            self.filters[name].method = "filter_by_name"
        self.filters["agency"].field_name = "lead_agency"

    def filter_by_name(self, queryset, name, value):
        return queryset.filter(**{name: value.name})


# What MilestoneRow.from_values reads of a live milestone (and revised_due: the revised due date as at the row's month).
LIVE_ROW_FIELDS = (
    "pk",
    "action__ref",
    "action__title",
    "action__action_lead__name",
    "action__theme__name",
    "action__theme__order",
    "action__ref_sort_key",
    "action_id",
    "description",
    "order",
    "planned_start",
    "due_date",
    "current_status",
    "current_status_reason",
    "current_note",
    "current_month",
    "lead__name",
    "lead__agency",
    "is_overdue",
    "replan_count",
)

# The names each source uses for what is grouped and ordered on.
_LIVE = {"theme": "action__theme__name", "theme_order": "action__theme__order", "ref": "action__ref_sort_key"}
_FROZEN = {"theme": "theme", "theme_order": "theme_order", "ref": "action_ref_sort_key"}


@dataclass
class MilestoneRows:
    """A report's milestones, live as at a month or from a snapshot, with the plan-page filters applied in SQL."""

    plan: object
    as_at: datetime.date
    judged_on: datetime.date
    filterset: MilestoneFilter
    snapshot: object = None

    @property
    def names(self):
        return _FROZEN if self.snapshot else _LIVE

    @property
    def queryset(self):
        """The matching milestones (live, or frozen rows), in report order."""
        return self.ordered(self.filterset.qs)

    def exception_rule(self):
        """The exception report's rule, in SQL on either source: not on track, overdue, or with an
        open exception record (its latest record, while the milestone is not achieved; e.g. a
        milestone back on track whose revised date is still to be met)."""
        if self.snapshot:
            has_record = Q(exception__isnull=False)
        else:
            has_record = Q(Exists(SlippageRecord.objects.filter(milestone=OuterRef("pk"))))
        return EXCEPTION | (has_record & ~Q(current_status=Status.ACHIEVED))

    def ordered(self, queryset, *first):
        return queryset.order_by(*first, self.names["ref"], "order", "id")

    def rows(self, queryset=None, records=False) -> list[MilestoneRow]:
        queryset = self.queryset if queryset is None else queryset
        if self.snapshot:
            return [MilestoneRow.from_frozen(row) for row in queryset]
        if "revised_due" in queryset.query.annotations:  # as set by the exception records of the time
            values = list(queryset.values(*LIVE_ROW_FIELDS, "revised_due"))
        else:
            values = list(queryset.values(*LIVE_ROW_FIELDS, revised_due=F("revised_due_date")))
        latest = {}
        if records and values:  # each milestone's latest exception record
            newest_first = SlippageRecord.objects.filter(milestone_id__in=[v["pk"] for v in values]).order_by(
                "milestone_id", "-created_at", "-id"
            )
            for record in newest_first:
                latest.setdefault(record.milestone_id, record)
        return [MilestoneRow.from_values(v, self.judged_on, latest.get(v["pk"])) for v in values]

    def status_counts(self, queryset=None):
        """[(ThemeRow, Counter of statuses)] for the matching milestones, in theme order: one grouped query."""
        names = self.names
        queryset = self.filterset.qs if queryset is None else queryset
        grouped = (
            queryset.order_by().values(names["theme"], names["theme_order"], "current_status").annotate(n=Count("pk"))
        )
        counts: dict = {}
        for entry in grouped:
            theme = ThemeRow(entry[names["theme"]], entry[names["theme_order"]])
            counts.setdefault(theme, Counter())[entry["current_status"]] += entry["n"]
        return sorted(counts.items(), key=lambda item: (item[0].order, item[0].name))

    @property
    def filters_applied(self):
        filterset = self.filterset
        if not (filterset.is_bound and filterset.form.is_valid()):
            return []
        return [
            f"{filterset.filters[name].label}: {value}"
            for name, value in filterset.form.cleaned_data.items()
            if value not in (None, "", []) and name in filterset.filters
        ]


def live_milestones(plan, as_at, today=None, until=None):
    """Every milestone of a plan as at a month, as the reports read them. `until` (a moment):
    re-plans as the exception records written by then set them (for a snapshot)."""
    return (
        Milestone.objects.for_plan(plan)
        .with_current_status(today=today, as_at=as_at, replans_until=until)
        .with_replan_count(until=until)
        .with_leads()
        .order_by(*[_LIVE["ref"], "order", "id"])
    )


def frozen_milestones_queryset(snapshot):
    """A snapshot's rows, answering to the live names: current_status and effective_due (is_overdue is frozen)."""
    return snapshot.milestones.annotate(
        current_status=F("status"), effective_due=Coalesce("revised_due_date", "due_date")
    )


def milestone_rows(plan, *, as_at=None, snapshot=None, filters=None) -> MilestoneRows:
    """The milestones a report reads: the snapshot's when given (as at its month), else live as at the month."""
    if snapshot:
        as_at = snapshot.period
        queryset, filterset_class = frozen_milestones_queryset(snapshot), FrozenMilestoneFilter
    else:
        queryset, filterset_class = live_milestones(plan, as_at), MilestoneFilter
    filterset = filterset_class(filters or None, queryset=queryset, plan=plan)
    return MilestoneRows(plan=plan, as_at=as_at, judged_on=judged_on(as_at), filterset=filterset, snapshot=snapshot)
