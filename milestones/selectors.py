"""Reads that feed the milestone pages. Each runs a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When

from plans import roles
from plans.models import Action, LockedMonth, Plan, Theme
from safeguarding import dates

from .filters import MilestoneFilter
from .models import Milestone, ProgressUpdate, UpdateReview
from .status import Status


@dataclass
class ActionRow:
    action: Action
    milestones: list = field(default_factory=list)


@dataclass
class ThemeGroup:
    theme: Theme
    actions: list = field(default_factory=list)
    status_counts: Counter = field(default_factory=Counter)
    overdue_count: int = 0

    @property
    def total(self):
        return sum(self.status_counts.values())

    def count_for(self, status):
        return self.status_counts[status]


@dataclass
class PlanPage:
    plan: Plan
    filterset: MilestoneFilter
    themes: list  # the themes of this page's actions, with their milestones
    summary: list  # every theme, with counts over all matching milestones
    milestone_count: int
    status_counts: Counter
    overdue_count: int
    page_obj: object = None

    @property
    def statuses(self):
        """The plan's scheme's statuses, plus any other shown in the counts."""
        return self.plan.scheme.key(shown=[status for status, n in self.status_counts.items() if n])


def plan_milestones(plan):
    """Every milestone of a plan with its current status, action, theme and leads."""
    return Milestone.objects.for_plan(plan).with_current_status().with_leads()


ACTIONS_PER_PAGE = 30


def status_counts_by_theme(milestones):
    """{theme id: (Counter of statuses, overdue count)} in one grouped query."""
    rows = (
        milestones.order_by()
        .values("action__theme_id", "current_status")
        .annotate(n=Count("id"), late=Count("id", filter=Q(is_overdue=True)))
    )
    result: dict = {}
    for row in rows:
        counts, late = result.get(row["action__theme_id"], (Counter(), 0))
        counts[row["current_status"]] += row["n"]
        result[row["action__theme_id"]] = (counts, late + row["late"])
    return result


def plan_page(plan: Plan, params=None, page=1) -> PlanPage:
    """Themes -> actions -> milestones (filtered), a page of actions at a time, with status
    counts per theme for every matching milestone.

    Unfiltered, every action shows, even one with no milestones yet; filtered, only
    those with a matching milestone.
    """
    filterset = MilestoneFilter(params or None, queryset=plan_milestones(plan), plan=plan)
    matching = filterset.qs
    counts = status_counts_by_theme(matching)
    actions = (
        Action.objects.for_plan(plan)
        .select_related("action_lead", "theme")
        .order_by("theme__order", "theme__name", "ref_sort_key")
    )
    if filterset.is_filtered:
        actions = actions.filter(pk__in=matching.values("action_id"))
    page_obj = Paginator(actions, ACTIONS_PER_PAGE).get_page(page)
    rows = {action.pk: ActionRow(action=action) for action in page_obj}
    page_milestones = matching.filter(action_id__in=list(rows)).prefetch_related("supporting_leads")
    for milestone in page_milestones.order_by("action__ref_sort_key", "order", "id"):
        rows[milestone.action_id].milestones.append(milestone)
    groups: dict = {}
    for row in rows.values():
        group = groups.get(row.action.theme_id)
        if group is None:
            group = groups[row.action.theme_id] = ThemeGroup(theme=row.action.theme)
        group.actions.append(row)
    totals: Counter = Counter()
    for theme_counts, _ in counts.values():
        totals.update(theme_counts)
    summary = []
    for theme in Theme.objects.filter(plan=plan):
        theme_counts, late = counts.get(theme.pk, (Counter(), 0))
        if theme_counts or not filterset.is_filtered:
            summary.append(ThemeGroup(theme=theme, status_counts=theme_counts, overdue_count=late))
    return PlanPage(
        plan=plan,
        filterset=filterset,
        themes=list(groups.values()),
        summary=summary,
        milestone_count=sum(totals.values()),
        status_counts=totals,
        overdue_count=sum(late for _, late in counts.values()),
        page_obj=page_obj,
    )


@dataclass
class MyMilestones:
    needs_update: list
    overdue: list
    others: list

    @property
    def total(self):
        return len(self.needs_update) + len(self.overdue) + len(self.others)


def my_milestones(user) -> MyMilestones:
    """A lead's milestones: those needing this month's update first, then overdue, then the rest."""
    milestones = (
        Milestone.objects.led_by(user)
        .filter(action__plan__in=roles.visible_plans(user))
        .with_current_status()
        .with_month_update_flag()
        .with_review_state()
        .select_related("action__plan")  # a row shows the action and the plan's status words only
        .annotate(
            priority=Case(
                When(review_decision="returned", then=Value(0)),
                When(
                    Q(has_update_this_month=False)
                    & ~Q(current_status=Status.ACHIEVED)
                    & (Q(planned_start__isnull=True) | Q(planned_start__lte=dates.today())),
                    then=Value(0),
                ),
                When(is_overdue=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "effective_due", "action__ref_sort_key", "order")
    )
    result = MyMilestones(needs_update=[], overdue=[], others=[])
    buckets = [result.needs_update, result.overdue, result.others]
    for milestone in milestones:
        buckets[milestone.priority].append(milestone)
    return result


def milestone_detail(pk):
    """One milestone with its current status and re-plan count; its progress and exception history, newest first."""
    milestone = Milestone.objects.with_current_status().with_replan_count().with_leads().get(pk=pk)
    history = list(
        milestone.updates.latest_first()
        .select_related("author", "brought_in_by")
        .prefetch_related(
            Prefetch("reviews", queryset=UpdateReview.objects.select_related("reviewer"), to_attr="review_list")
        )
    )
    exceptions = list(milestone.slippage_records.select_related("author"))
    return milestone, history, exceptions


def updates_awaiting_review(user):
    """Submitted updates not yet signed off or returned, the latest for each milestone and month,
    on milestones whose action the user leads (every milestone for the programme manager)."""
    newer = ProgressUpdate.objects.filter(
        milestone=OuterRef("milestone"),
        reporting_month=OuterRef("reporting_month"),
        created_at__gt=OuterRef("created_at"),
    )
    locked = LockedMonth.objects.filter(plan=OuterRef("milestone__action__plan"), month=OuterRef("reporting_month"))
    updates = (
        ProgressUpdate.objects.filter(
            reviews__isnull=True, source=ProgressUpdate.Source.SUBMITTED, author__isnull=False
        )
        .exclude(Exists(newer))
        .exclude(Exists(locked))
        .select_related("milestone__action__action_lead", "milestone__action__plan", "milestone__lead", "author")
        .order_by("reporting_month", "milestone__action__ref_sort_key", "milestone__order")
    )
    managed = roles.visible_plans(user, roles.PROGRAMME_MANAGER)
    led = roles.visible_plans(user, roles.MILESTONE_LEAD)
    mine_to_review = Q(milestone__action__plan__in=led, milestone__action__action_lead__user=user) & ~Q(author=user)
    return list(updates.filter(Q(milestone__action__plan__in=managed) | mine_to_review))
