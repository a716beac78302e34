"""The one write path for inspection sources and recommendations (the plan's programme manager).

Each function checks the actor's permission on the plan itself, runs full_clean through
plans.services.instance_save (which records the author in the history) and refuses a duplicate
ref in plain English. `actor=None` is a system load (the demo).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.models import Action, Plan
from plans.services import fields_assign, instance_save, permission_check

from .models import Recommendation, Source


def _strip(fields):
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def source_create(*, actor, plan: Plan, **fields) -> Source:
    permission_check(actor, "plans.change_plan", plan)
    source = fields_assign(Source(plan=plan), _strip(fields), fixed=("plan",))
    return instance_save(source, actor=actor, clash_message="This plan already has that report on that date.")


@transaction.atomic
def source_update(*, actor, source: Source, **fields) -> Source:
    permission_check(actor, "plans.change_plan", source.plan)
    fields_assign(source, _strip(fields), fixed=("plan",))
    return instance_save(source, actor=actor, clash_message="This plan already has that report on that date.")


def _ref_clash(recommendation):
    if not recommendation.ref or not recommendation.source_id:
        return {}
    clash = Recommendation.objects.filter(source_id=recommendation.source_id, ref__iexact=recommendation.ref.strip())
    if recommendation.pk:
        clash = clash.exclude(pk=recommendation.pk)
    if clash.exists():
        return {"ref": f"{recommendation.source.title} already has a {recommendation.ref.strip()}. Check the ref."}
    return {}


def _actions_check(plan: Plan, actions, actor=None):
    """Every action must belong to a plan of the same organisation as `plan`, and another plan's
    only where the actor is a member of that plan too (its actions are not theirs to see otherwise)."""
    actions = list(actions)
    ids = [a.pk for a in actions]
    allowed = set(
        Action.objects.filter(pk__in=ids, plan__owner_id=plan.owner_id).values_list("pk", flat=True)
        if plan.owner_id
        else Action.objects.filter(pk__in=ids, plan=plan).values_list("pk", flat=True)
    )
    refused = [a for a in actions if a.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "actions": f"Action {refused[0].ref} belongs to another organisation's plan: choose actions of "
                f"{plan.owner or plan}'s plans."
            }
        )
    if actor is not None:
        unseen = [a for a in actions if a.plan_id != plan.pk and not actor.has_perm("plans.view_plan", a.plan)]
        if unseen:
            raise ValidationError(
                {"actions": "Choose actions of this plan, or of another plan of the organisation you are a member of."}
            )
    return actions


@transaction.atomic
def recommendation_create(*, actor, source: Source, actions=(), **fields) -> Recommendation:
    permission_check(actor, "plans.change_plan", source.plan)
    actions = _actions_check(source.plan, actions, actor)
    recommendation = fields_assign(Recommendation(source=source), _strip(fields), fixed=("source",))
    instance_save(
        recommendation,
        actor=actor,
        duplicates=_ref_clash(recommendation),
        clash_message="That ref is already used in this report.",
    )
    recommendation.actions.set(actions)
    return recommendation


@transaction.atomic
def recommendation_update(*, actor, recommendation: Recommendation, actions=None, **fields) -> Recommendation:
    """Edit a recommendation; `actions` (when given) replaces the actions that answer it."""
    permission_check(actor, "plans.change_plan", recommendation.plan)
    if "source" in fields and fields["source"].plan_id != recommendation.source.plan_id:
        raise ValidationError({"source": "Choose a report of this plan."})
    if actions is not None:
        actions = _actions_check(recommendation.plan, actions, actor)
        if actor is not None:
            # Links to another plan's actions that this actor cannot see were made by someone who can: kept.
            actions += [
                a
                for a in recommendation.actions.select_related("plan")
                if a.plan_id != recommendation.plan.pk and not actor.has_perm("plans.view_plan", a.plan)
            ]
    fields_assign(recommendation, _strip(fields))
    instance_save(
        recommendation,
        actor=actor,
        duplicates=_ref_clash(recommendation),
        clash_message="That ref is already used in this report.",
    )
    if actions is not None:
        recommendation.actions.set(actions)
    return recommendation


@transaction.atomic
def recommendation_document_load(plan: Plan, document) -> int:
    """Load sources and recommendations from a JSON document (the demo's), linking actions of the plan
    by ref. A system load (no actor); a source already loaded (same title and date) is left alone."""
    count = 0
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    for entry in document.get("sources", []):
        fields = {k: entry.get(k) or "" for k in ("kind", "body", "title", "link")}
        fields["date"] = entry.get("date") or None
        if Source.objects.filter(plan=plan, title=fields["title"], date=fields["date"]).exists():
            continue
        source = source_create(actor=None, plan=plan, **fields)
        for item in entry.get("recommendations", []):
            answering = [actions[ref] for ref in item.get("actions", []) if ref in actions]
            recommendation_create(
                actor=None,
                source=source,
                actions=answering,
                **{k: item.get(k) or "" for k in ("ref", "text", "kind", "timescale")},
            )
            count += 1
    return count
