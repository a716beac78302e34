"""Writes that touch several indicator records."""

import datetime
from decimal import Decimal

from django.db import transaction

from plans.models import Plan

from .models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section


def _month(text):
    return datetime.date.fromisoformat(f"{text}-01")


def _dec(value):
    return None if value is None else Decimal(str(value))


@transaction.atomic
def indicator_document_load(document: dict) -> list[Indicator]:
    """Load indicators from a document shaped like fixtures/haringey_indicators_2009.json.

    Idempotent: indicators match by plan and code, values by period, years by year.
    """
    plan = Plan.objects.get(name=document["plan"])
    for order, name in enumerate(document.get("comparators", []), start=1):
        ComparatorGroup.objects.get_or_create(name=name, defaults={"order": order})
    sections = {}
    for order, name in enumerate(document.get("sections", []), start=1):
        sections[name], _ = Section.objects.get_or_create(plan=plan, name=name, defaults={"order": order})
    loaded = []
    for order, spec in enumerate(document.get("indicators", []), start=1):
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            code=spec["code"],
            defaults={
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
            },
        )
        years = {int(y): {"outturn": _dec(v)} for y, v in spec.get("outturns", {}).items()}
        for year, target in spec.get("targets", {}).items():
            years.setdefault(int(year), {}).update(
                target=_dec(target["value"]),
                tolerance=_dec(target.get("tolerance")),
                tolerance_kind=target.get("tolerance_kind", "absolute"),
            )
        for year, fields in years.items():
            IndicatorYear.objects.update_or_create(indicator=indicator, year=year, defaults=fields)
        counts = {item["period"]: item for item in spec.get("month_counts", [])}
        rows = {}
        for item in spec.get("values", []):
            extra = counts.get(item["period"], {})
            rows[item["period"]], _ = IndicatorValue.objects.update_or_create(
                indicator=indicator,
                period=_month(item["period"]),
                defaults={
                    "value": _dec(item.get("value")),
                    "numerator": _dec(item.get("numerator", extra.get("numerator"))),
                    "denominator": _dec(item.get("denominator", extra.get("denominator"))),
                    "no_data": item.get("no_data", False),
                },
            )
        ytd = spec.get("ytd") or {}
        if ytd.get("value") is not None and rows:
            # The printed year-to-date figure is kept on the latest figure it covers.
            latest = max((p for p in rows if p <= ytd["period"]), default=None)
            if latest:
                value = _dec(ytd["value"])
                if ytd.get("numerator") is not None and ytd.get("denominator"):
                    value = (
                        _dec(ytd["numerator"]) / _dec(ytd["denominator"]) * (100 if indicator.is_percentage else 1)
                    ).quantize(Decimal("0.001"))
                IndicatorValue.objects.filter(pk=rows[latest].pk).update(ytd_entered=value)
        for item in spec.get("benchmarks", []):
            Benchmark.objects.update_or_create(
                indicator=indicator,
                year=item["year"],
                comparator=ComparatorGroup.objects.get(name=item["comparator"]),
                defaults={"value": _dec(item["value"])},
            )
        text = spec.get("commentary")
        if text:
            Commentary.objects.update_or_create(
                indicator=indicator,
                period=_month(text["period"]),
                defaults={key: text.get(key, "") for key in ("commentary", "current_activities", "best_practice")},
            )
        loaded.append(indicator)
    return loaded
