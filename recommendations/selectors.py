"""Reads for the recommendations page and report: each recommendation with the actions that answer
it, their milestones and the roll-up. A fixed number of queries whatever the plan's size."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch

from milestones.models import Milestone
from plans.models import Action, Plan

from .models import Recommendation, Source
from .rollup import ROLLUP_MEANINGS, RollUp, roll_up

LATEST_NOTES = 3


@dataclass
class ActionProgress:
    action: Action
    milestones: list = field(default_factory=list)  # rows with current_status, is_overdue, description...
    other_plan: bool = False  # the action is in another plan of the same organisation

    @property
    def scheme(self):
        """Another plan's milestones are shown in that plan's status words (None: the page's own)."""
        return self.action.plan.scheme if self.other_plan else None


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    actions: list  # [ActionProgress]
    rollup: RollUp

    @property
    def milestones(self):
        return [m for a in self.actions for m in a.milestones]

    @property
    def latest_notes(self):
        """The newest progress notes of its milestones (newest reporting month first)."""
        noted = [m for m in self.milestones if (m.current_note or "").strip() and m.current_month]
        noted.sort(key=lambda m: m.current_month, reverse=True)
        return noted[:LATEST_NOTES]


@dataclass
class SourceGroup:
    source: Source
    recommendations: list  # [RecommendationProgress]


@dataclass
class RecommendationProgressList:
    plan: Plan
    as_at: object
    sources: list  # [SourceGroup]
    counts: Counter

    @property
    def rows(self):
        return [r for group in self.sources for r in group.recommendations]

    @property
    def rollup_key(self):
        return [(r, ROLLUP_MEANINGS[r], self.counts[r]) for r in RollUp]

    @property
    def not_covered(self):
        return [r for r in self.rows if r.rollup == RollUp.NOT_COVERED]


def live_milestones_for(actions, as_at=None):
    """{action id: [milestone, ...]} as at a month (current status and the one overdue rule): one query."""
    by_action = {a.pk: [] for a in actions}
    if not by_action:
        return by_action
    queryset = (
        Milestone.objects.filter(action_id__in=list(by_action))
        .with_current_status(as_at=as_at)
        .select_related("lead")
        .order_by("action__ref_sort_key", "order", "id")
    )
    for milestone in queryset:
        by_action[milestone.action_id].append(milestone)
    return by_action


def plan_sources(plan):
    """The plan's sources, their recommendations and the actions answering each (three queries)."""
    actions = Action.objects.select_related("plan", "action_lead").order_by("plan__name", "ref_sort_key")
    recommendations = Recommendation.objects.prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="action_list")
    ).order_by("ref_sort_key", "id")
    return list(
        Source.objects.filter(plan=plan).prefetch_related(
            Prefetch("recommendations", queryset=recommendations, to_attr="recommendation_list")
        )
    )


def _progress(recommendation, actions, by_action, plan) -> RecommendationProgress:
    answering = [
        ActionProgress(action=a, milestones=by_action.get(a.pk, []), other_plan=a.plan_id != plan.pk) for a in actions
    ]
    rollup = roll_up(m for a in answering for m in a.milestones)
    return RecommendationProgress(recommendation=recommendation, actions=answering, rollup=rollup)


def recommendation_progress(plan, *, as_at=None, milestones_for=None) -> RecommendationProgressList:
    """Every recommendation of the plan with its actions, their milestones and the roll-up.

    `milestones_for(actions)` returns {action id: rows}; by default the live milestones as at
    the month. The report passes one that reads a snapshot's frozen rows instead.
    """
    sources = plan_sources(plan)
    actions = {a.pk: a for s in sources for r in s.recommendation_list for a in r.action_list}
    by_action = (milestones_for or (lambda found: live_milestones_for(found, as_at)))(list(actions.values()))
    counts: Counter = Counter()
    groups = []
    for source in sources:
        rows = []
        for recommendation in source.recommendation_list:
            row = _progress(recommendation, recommendation.action_list, by_action, plan)
            counts[row.rollup] += 1
            rows.append(row)
        groups.append(SourceGroup(source=source, recommendations=rows))
    return RecommendationProgressList(plan=plan, as_at=as_at, sources=groups, counts=counts)


def one_recommendation_progress(recommendation, *, as_at=None) -> RecommendationProgress:
    """One recommendation with its actions, their milestones and the roll-up (the same rule as the list)."""
    actions = list(recommendation.actions.select_related("plan", "action_lead").order_by("plan__name", "ref_sort_key"))
    return _progress(recommendation, actions, live_milestones_for(actions, as_at), recommendation.source.plan)
