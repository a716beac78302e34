"""The one write path for indicators and their figures, targets, benchmarks and commentary.

Every create or edit goes through a function here (`<entity>_<action>`), inside one transaction:
it checks the actor's "plans.edit_indicators" permission on the indicator's plan, runs
`full_clean()`, refuses duplicates in plain English (never an IntegrityError) and records who
made the change (`entered_by`, `author`, and the audit history). A figure for a month that is
locked (its snapshot has been taken) or that has not started yet is refused.

`actor=None` is a system load (fixtures, the demo): no permission check, no author recorded.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans import roles
from plans.models import LockedMonth, Person, Plan
from plans.services import fields_assign, instance_save, permission_check
from safeguarding import dates

from .models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section

EDIT = "plans.edit_indicators"
FIGURES = ("value", "numerator", "denominator", "no_data", "ytd_entered")


def _month(text):
    return datetime.date.fromisoformat(f"{text}-01")


def _dec(value):
    return None if value is None else Decimal(str(value))


def _strip(fields):
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def _belongs(indicator, record, name):
    if record is not None and record.indicator_id != indicator.pk:
        raise ValueError(f"That {name} is not a record of {indicator.code}.")


# --- sections and comparator groups ------------------------------------------------------------


@transaction.atomic
def section_create(*, actor, plan: Plan, **fields) -> Section:
    permission_check(actor, EDIT, plan)
    section = fields_assign(Section(plan=plan), _strip(fields), fixed=("plan",))
    clash = section.name and Section.objects.filter(plan=plan, name__iexact=section.name).exists()
    return instance_save(
        section,
        actor=actor,
        duplicates={"name": f'There is already a section called "{section.name}".' if clash else None},
        clash_message="There is already a section with that name.",
    )


@transaction.atomic
def comparator_group_create(*, actor, **fields) -> ComparatorGroup:
    """Comparator groups are shared by every plan: anyone who edits some plan's indicators may add one."""
    if actor is not None and not roles.roles_anywhere(actor) & {roles.PROGRAMME_MANAGER, roles.PERFORMANCE_OFFICER}:
        raise PermissionDenied("Your role does not allow that.")
    group = fields_assign(ComparatorGroup(), _strip(fields))
    clash = group.name and ComparatorGroup.objects.filter(name__iexact=group.name).exists()
    return instance_save(
        group,
        actor=actor,
        duplicates={"name": f'There is already a comparator group called "{group.name}".' if clash else None},
        clash_message="There is already a comparator group with that name.",
    )


# --- indicators --------------------------------------------------------------------------------


def _indicator_rules(indicator, actions):
    problems, duplicates = {}, {}
    if indicator.code:
        clash = Indicator.objects.filter(plan_id=indicator.plan_id, code__iexact=indicator.code.strip())
        if indicator.pk:
            clash = clash.exclude(pk=indicator.pk)
        if clash.exists():
            duplicates["code"] = f"{indicator.code.strip()} is already an indicator of this plan."
    if indicator.section_id and indicator.section.plan_id != indicator.plan_id:
        problems["section"] = "Choose a section of this plan."
    if indicator.owner_id and not Person.objects.for_plan(indicator.plan).filter(pk=indicator.owner_id).exists():
        problems["owner"] = "Choose a lead from this plan's organisation or its partner agencies."
    if actions is not None and any(action.plan_id != indicator.plan_id for action in actions):
        problems["actions"] = "Link only actions of this plan."
    return problems, duplicates


def _indicator_save(indicator, actor, actions):
    problems, duplicates = _indicator_rules(indicator, actions)
    instance_save(
        indicator,
        actor=actor,
        problems=problems,
        duplicates=duplicates,
        clash_message="That code is already used by an indicator of this plan.",
    )
    if actions is not None:
        indicator.actions.set(actions)
    return indicator


@transaction.atomic
def indicator_create(*, actor, plan: Plan, actions=None, **fields) -> Indicator:
    """A new indicator of `plan`; `actions` are the plan actions it is linked to."""
    permission_check(actor, EDIT, plan)
    indicator = fields_assign(Indicator(plan=plan), _strip(fields), fixed=("plan",))
    return _indicator_save(indicator, actor, None if actions is None else list(actions))


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, actions=None, **fields) -> Indicator:
    """Change an indicator; `actions`, when given, replace its linked actions."""
    permission_check(actor, EDIT, indicator.plan)
    fields_assign(indicator, _strip(fields), fixed=("plan",))
    return _indicator_save(indicator, actor, None if actions is None else list(actions))


# --- figures -----------------------------------------------------------------------------------


def locked_month_problem(indicator: Indicator, period) -> str | None:
    """Why a figure for `period` may not be entered or changed because its month is locked, or None."""
    if period is None:
        return None
    lock = LockedMonth.objects.filter(plan_id=indicator.plan_id, month=period.replace(day=1)).first()
    if lock is None:
        return None
    return f"{dates.month_label(lock.month)} is locked: {lock.reason} Its figures can no longer be entered or changed."


def _figure_state(row):
    return (row.period, row.effective_value, row.numerator, row.denominator, row.no_data, row.ytd_entered)


@transaction.atomic
def indicator_value_upsert(*, actor, indicator: Indicator, period, figure: IndicatorValue | None = None, **figures):
    """Enter or change the figure of one period. Figures: value, numerator, denominator, no_data, ytd_entered.

    Without `figure`, the period's existing figure is changed or a new one created. With `figure`
    (an edit page), that row is changed, and may move to another period if no figure is there yet.
    Refused: a period that is locked or not yet started, and moving a figure out of a locked month.
    Writing the same figures again changes nothing (so loading a document twice is harmless).
    Records `entered_by` (the actor) and `entered_at`.
    """
    permission_check(actor, EDIT, indicator.plan)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise TypeError(f"Not a figure: {', '.join(sorted(unknown))}.")
    _belongs(indicator, figure, "figure")
    existing = IndicatorValue.objects.filter(indicator=indicator, period=period).first() if period else None
    if figure is None:
        figure = existing or IndicatorValue(indicator=indicator, period=period)
    elif existing is not None and existing.pk != figure.pk:
        shown = "no data" if existing.no_data else indicator.format_value(existing.value)
        raise ValidationError(
            {"period": f"{existing.label} already has a figure ({shown}). Edit that figure instead of adding another."}
        )
    stored = IndicatorValue.objects.filter(pk=figure.pk).first() if figure.pk else None
    figure.period = period
    for name, value in figures.items():
        setattr(figure, name, value)
    if stored is not None and _figure_state(stored) == _figure_state(figure):
        return figure  # nothing changed: not a write, even in a locked month
    # A period not yet started is refused by IndicatorValue.clean (through full_clean).
    problems = {"period": locked_month_problem(indicator, period)}
    if stored is not None and stored.period != period:
        moved_from = locked_month_problem(indicator, stored.period)
        if moved_from:
            problems[NON_FIELD_ERRORS] = moved_from
    if actor is not None:
        figure.entered_by = actor
    figure.entered_at = timezone.now()
    return instance_save(
        figure, actor=actor, problems=problems, clash_message="That period already has a figure: edit it instead."
    )


@transaction.atomic
def indicator_year_upsert(*, actor, indicator: Indicator, year, target_year: IndicatorYear | None = None, **fields):
    """Set a reporting year's target, tolerance and outturn (fields: target, tolerance, tolerance_kind,
    outturn). Without `target_year` the year's row is changed or created; with it, that row is changed."""
    permission_check(actor, EDIT, indicator.plan)
    _belongs(indicator, target_year, "year")
    existing = IndicatorYear.objects.filter(indicator=indicator, year=year).first()
    if target_year is None:
        target_year = existing or IndicatorYear(indicator=indicator)
    elif existing is not None and existing.pk != target_year.pk:
        raise ValidationError({"year": f"{existing.label} already has a target. Edit it instead."})
    fields_assign(target_year, {**fields, "year": year}, fixed=("indicator",))
    return instance_save(target_year, actor=actor, clash_message="That year already has a target: edit it instead.")


@transaction.atomic
def benchmark_upsert(*, actor, indicator: Indicator, year, comparator, value, benchmark: Benchmark | None = None):
    """Set a comparator group's figure for a year. Without `benchmark` the (year, comparator) row is
    changed or created; with it, that row is changed."""
    permission_check(actor, EDIT, indicator.plan)
    _belongs(indicator, benchmark, "benchmark")
    existing = Benchmark.objects.filter(indicator=indicator, year=year, comparator=comparator).first()
    if benchmark is None:
        benchmark = existing or Benchmark(indicator=indicator)
    elif existing is not None and existing.pk != benchmark.pk:
        raise ValidationError({"comparator": f"{comparator} already has a {indicator.code} benchmark for that year."})
    fields_assign(benchmark, {"year": year, "comparator": comparator, "value": value}, fixed=("indicator",))
    return instance_save(
        benchmark, actor=actor, clash_message="That comparator group already has a benchmark for that year."
    )


@transaction.atomic
def commentary_upsert(*, actor, indicator: Indicator, period, entry: Commentary | None = None, **texts):
    """Write the commentary on a period (texts: commentary, current_activities, best_practice).
    Without `entry` the period's commentary is changed or created; with it, that entry is changed.
    Records the actor as its author."""
    permission_check(actor, EDIT, indicator.plan)
    _belongs(indicator, entry, "commentary")
    existing = Commentary.objects.filter(indicator=indicator, period=period).first() if period else None
    if entry is None:
        entry = existing or Commentary(indicator=indicator)
    elif existing is not None and existing.pk != entry.pk:
        raise ValidationError({"period": f"There is already commentary for {existing.label}. Edit it instead."})
    fields_assign(entry, {**_strip(texts), "period": period}, fixed=("indicator", "author"))
    if actor is not None:
        entry.author = actor
    entry.updated_at = timezone.now()
    return instance_save(entry, actor=actor, clash_message="That period already has commentary: edit it instead.")


# --- loading -----------------------------------------------------------------------------------


@transaction.atomic
def indicator_document_load(document: dict) -> list[Indicator]:
    """Load indicators from a document shaped like fixtures/haringey_indicators_2009.json.

    A system load (actor=None) through the services above, so the same rules hold.
    Idempotent: indicators match by plan and code, values by period, years by year; loading
    the same figures again writes nothing, even into a month locked since.
    """
    plan = Plan.objects.get(name=document["plan"])
    for order, name in enumerate(document.get("comparators", []), start=1):
        if not ComparatorGroup.objects.filter(name=name).exists():
            comparator_group_create(actor=None, name=name, order=order)
    sections = {}
    for order, name in enumerate(document.get("sections", []), start=1):
        sections[name] = Section.objects.filter(plan=plan, name=name).first() or section_create(
            actor=None, plan=plan, name=name, order=order
        )
    loaded = []
    for order, spec in enumerate(document.get("indicators", []), start=1):
        fields = {
            "code": spec["code"],
            "title": spec["title"],
            "definition": spec.get("definition", ""),
            "section": sections[spec["section"]],
            "unit": spec.get("unit", Indicator.Unit.PERCENTAGE),
            "polarity": spec["polarity"],
            "frequency": spec.get("frequency", Indicator.Frequency.MONTHLY),
            "data_only": spec.get("data_only", False),
            "ytd_method": spec.get("ytd_method", Indicator.YtdMethod.ENTERED),
            "decimal_places": spec.get("decimal_places", 1),
            "order": order,
        }
        indicator = Indicator.objects.filter(plan=plan, code=spec["code"]).first()
        if indicator is None:
            indicator = indicator_create(actor=None, plan=plan, **fields)
        else:
            indicator = indicator_update(actor=None, indicator=indicator, **fields)
        years = {int(y): {"outturn": _dec(v)} for y, v in spec.get("outturns", {}).items()}
        for year, target in spec.get("targets", {}).items():
            years.setdefault(int(year), {}).update(
                target=_dec(target["value"]),
                tolerance=_dec(target.get("tolerance")),
                tolerance_kind=target.get("tolerance_kind", "absolute"),
            )
        for year, year_fields in years.items():
            indicator_year_upsert(actor=None, indicator=indicator, year=year, **year_fields)
        counts = {item["period"]: item for item in spec.get("month_counts", [])}
        # The printed year-to-date figure is kept on the latest figure it covers.
        ytd = spec.get("ytd") or {}
        ytd_period, ytd_value = None, None
        if ytd.get("value") is not None:
            covered = [item["period"] for item in spec.get("values", []) if item["period"] <= ytd["period"]]
            ytd_period = max(covered, default=None)
            ytd_value = _dec(ytd["value"])
            if ytd.get("numerator") is not None and ytd.get("denominator"):
                ytd_value = (
                    _dec(ytd["numerator"]) / _dec(ytd["denominator"]) * (100 if indicator.is_percentage else 1)
                ).quantize(Decimal("0.001"))
        for item in spec.get("values", []):
            extra = counts.get(item["period"], {})
            figures = {
                "value": _dec(item.get("value")),
                "numerator": _dec(item.get("numerator", extra.get("numerator"))),
                "denominator": _dec(item.get("denominator", extra.get("denominator"))),
                "no_data": item.get("no_data", False),
            }
            if item["period"] == ytd_period:
                figures["ytd_entered"] = ytd_value
            indicator_value_upsert(actor=None, indicator=indicator, period=_month(item["period"]), **figures)
        for item in spec.get("benchmarks", []):
            benchmark_upsert(
                actor=None,
                indicator=indicator,
                year=item["year"],
                comparator=ComparatorGroup.objects.get(name=item["comparator"]),
                value=_dec(item["value"]),
            )
        text = spec.get("commentary")
        texts = [(text or {}).get(key) for key in ("commentary", "current_activities", "best_practice")]
        if any((t or "").strip() for t in texts):  # an entry with every box empty is no commentary
            commentary_upsert(
                actor=None,
                indicator=indicator,
                period=_month(text["period"]),
                **{key: text.get(key, "") for key in ("commentary", "current_activities", "best_practice")},
            )
        loaded.append(indicator)
    return loaded
