"""Reusable queries for milestones: current status, overdue, whose milestones.

A milestone's current status is its latest progress update's (latest reporting
month, then latest entry, then latest id: ProgressUpdateQuerySet.latest_first).
Live, it is read from the milestone's own row (the `reported_*` fields, kept by
refresh_reported() whenever an update is written); as at an earlier month, or for a
snapshot, it is computed with subqueries. Either way a page of any size costs the
same number of queries.
"""

from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from safeguarding import dates

from .status import Status


def judged_on(as_at=None, today=None):
    """The day "overdue" is judged on: today, or the end of the month reported as at if earlier."""
    today = today or dates.today()
    return min(today, dates.month_end(as_at)) if as_at else today


def overdue_rule(judged):
    """THE overdue rule, the only place it is written: the due date in force (effective_due:
    the revised due date, else the original) has passed by the day judged on, and the current
    status is not Achieved. No due date is never overdue; due on the day judged is not yet.

    Written once, as SQL, because the pages, reports and filters need it in the database
    (to filter, count and order thousands of milestones); every other reader derives from it:
    Milestone.is_overdue() asks the database for its row, a snapshot freezes the annotation,
    and report rows copy it."""
    return Case(
        When(Q(effective_due__lt=judged) & ~Q(current_status=Status.ACHIEVED), then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


class AppendOnlyError(Exception):
    """Progress updates are evidence: a correction is a new update."""


class AppendOnlyQuerySet(models.QuerySet):
    """For evidence records (progress updates, exception records): bulk changes are refused too."""

    def update(self, **kwargs):
        raise AppendOnlyError("These records cannot be changed; add a new one instead.")

    def delete(self):
        raise AppendOnlyError("These records cannot be deleted.")


class ProgressUpdateQuerySet(AppendOnlyQuerySet):
    def latest_first(self):
        return self.order_by("-reporting_month", "-created_at", "-id")


def latest_update_columns(as_at=None):
    """The latest update's columns, as subqueries on a milestone (OuterRef "pk"), by the name of the
    milestone field that stores them: the one definition of "current" for both the stored fields
    (refresh_reported) and the as-at path (with_current_status)."""
    from .models import ProgressUpdate

    latest = ProgressUpdate.objects.filter(milestone=OuterRef("pk"))
    if as_at:
        latest = latest.filter(reporting_month__lte=as_at)
    latest = latest.latest_first()
    return {
        "reported_status": Coalesce(
            Subquery(latest.values("status")[:1]), Value(Status.NOT_STARTED.value), output_field=models.CharField()
        ),
        "reported_note": Coalesce(Subquery(latest.values("note")[:1]), Value(""), output_field=models.TextField()),
        "reported_month": Subquery(latest.values("reporting_month")[:1]),
        "reported_status_reason": Coalesce(
            Subquery(latest.values("status_reason")[:1]), Value(""), output_field=models.TextField()
        ),
        "reported_update_id": Subquery(latest.values("pk")[:1]),
        "reported_at": Subquery(latest.values("created_at")[:1]),
    }


# with_current_status's names for the stored fields (every page, report and the API read these).
CURRENT_NAMES = {
    "reported_status": "current_status",
    "reported_note": "current_note",
    "reported_month": "current_month",
    "reported_status_reason": "current_status_reason",
    "reported_update_id": "current_update_id",
    "reported_at": "last_updated_at",
}


class MilestoneQuerySet(models.QuerySet):
    def refresh_reported(self):
        """Recompute these milestones' stored current state (reported_*) from their progress updates.

        Called in the transaction that writes the updates (ProgressUpdate.save, the bulk services).
        The rows are locked first so the UPDATE's subqueries see every update committed by a
        concurrent writer of the same milestone (under READ COMMITTED a statement that waited on a
        row lock would otherwise keep the snapshot it started with). Returns the number of rows."""
        with transaction.atomic():
            ids = list(self.select_for_update().order_by("pk").values_list("pk", flat=True))
            done = 0
            for start in range(0, len(ids), 500):  # within SQLite's parameter limit
                chunk = ids[start : start + 500]
                done += self.model._base_manager.filter(pk__in=chunk).update(**latest_update_columns())
            return done

    def for_plan(self, plan):
        return self.filter(action__plan=plan)

    def with_leads(self):
        return self.select_related("action__theme", "action__action_lead", "action__plan", "lead")

    def with_current_status(self, today=None, as_at=None, replans_until=None):
        """Annotate current_status, current_note, current_month, current_status_reason,
        current_update_id, last_updated_at, effective_due and is_overdue.

        Live (no as_at, or as_at the current month or later: no update reports on a future
        month, ProgressUpdate.clean refuses it), they are the milestone's stored reported_*
        fields: no subquery. With an earlier as_at (a month), the status is the one reported
        for that month or before, and overdue is judged at the end of that month (judged_on).
        With replans_until (a moment), the revised due date is the one set by the
        exception records written by then, annotated as revised_due: a snapshot of an
        earlier month, taken later, judges it by the dates in force when it was taken.
        """
        judged = judged_on(as_at, today)
        if as_at and as_at >= dates.current_month():
            as_at = None
        if as_at is None and replans_until is None:
            return (
                self.annotate(**{name: F(stored) for stored, name in CURRENT_NAMES.items()})
                .annotate(effective_due=Coalesce("revised_due_date", "due_date"))
                .annotate(is_overdue=overdue_rule(judged))
            )
        latest = latest_update_columns(as_at)
        revised = {}
        if replans_until is not None:
            from .models import SlippageRecord

            replans = SlippageRecord.objects.filter(
                milestone=OuterRef("pk"), replanned=True, created_at__lte=replans_until
            ).order_by("-created_at", "-id")
            revised = {"revised_due": Subquery(replans.values("revised_completion_date")[:1])}
        return (
            self.annotate(**{CURRENT_NAMES[stored]: column for stored, column in latest.items()}, **revised)
            .annotate(effective_due=Coalesce("revised_due" if revised else "revised_due_date", "due_date"))
            .annotate(is_overdue=overdue_rule(judged))
        )

    def with_replan_count(self, until=None):
        """Annotate replan_count: exception records that re-planned the milestone (written by `until`)."""
        from .models import SlippageRecord

        records = SlippageRecord.objects.filter(milestone=OuterRef("pk"), replanned=True)
        if until is not None:
            records = records.filter(created_at__lte=until)
        replans = records.order_by().values("milestone").annotate(n=models.Count("pk")).values("n")
        return self.annotate(replan_count=Coalesce(Subquery(replans), Value(0)))

    def overdue(self, today=None):
        return self.with_current_status(today).filter(is_overdue=True)

    def led_by(self, user):
        """Milestones the user leads, supports (a supporting lead), or whose action they lead."""
        supports = self.model.supporting_leads.through.objects.filter(milestone=OuterRef("pk"), person__user=user)
        return self.filter(Q(lead__user=user) | Q(action__action_lead__user=user) | Exists(supports))

    def with_review_state(self):
        """Annotate review_decision and review_comment of the latest update (needs with_current_status)."""
        from .models import UpdateReview

        review = UpdateReview.objects.filter(update_id=OuterRef("current_update_id")).order_by("-created_at", "-id")
        return self.annotate(
            review_decision=Subquery(review.values("decision")[:1]),
            review_comment=Subquery(review.values("comment")[:1]),
        )

    def with_month_update_flag(self, month=None):
        """Annotate has_update_this_month for the given reporting month (default: current)."""
        from .models import ProgressUpdate

        month = month or dates.current_month()
        if month == dates.current_month():
            # The stored latest month is the latest reported (none is later than this month): no subquery.
            return self.annotate(
                has_update_this_month=Case(
                    When(reported_month=month, then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                )
            )
        return self.annotate(
            has_update_this_month=Exists(ProgressUpdate.objects.filter(milestone=OuterRef("pk"), reporting_month=month))
        )
