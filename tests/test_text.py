"""Free text and dates at the write path (safeguarding/text.py): control characters, lengths and
date ranges are refused by every model's full_clean, and so by every form, with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear
from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from milestones.status import Status
from plans.models import Action, GlossaryTerm, Person, Theme
from safeguarding.text import (
    NOTE_MAX_LENGTH,
    control_character_error,
    date_range_error,
    strip_control_characters,
)

from .factories import ActionFactory, IndicatorFactory, MilestoneFactory, PersonFactory, ThemeFactory

pytestmark = pytest.mark.django_db

VT = "\x0b"


@pytest.mark.parametrize("char", ["\x00", "\x07", VT, "\x0c", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_named_and_stripped(char):
    assert "control character" in control_character_error(f"ok{char}")
    assert strip_control_characters(f"a{char}b") == "ab"


@pytest.mark.parametrize("text", ["tab\there", "lines\nand\r\nreturns", "Ünïcödé – “quotes” 𝔘", ""])
def test_tabs_newlines_and_ordinary_unicode_are_allowed(text):
    assert control_character_error(text) is None
    assert strip_control_characters(text) == text


def test_dates_before_2000_or_more_than_ten_years_ahead_are_refused(plan_today):
    assert "too early" in date_range_error(datetime.date(1900, 1, 1))
    assert date_range_error(datetime.date(2000, 1, 1)) is None
    assert date_range_error(datetime.date(2019, 11, 4)) is None
    assert "too far ahead" in date_range_error(datetime.date(2019, 11, 5))


def _errors(instance, **kwargs):
    with pytest.raises(ValidationError) as raised:
        instance.full_clean(**kwargs)
    return raised.value.message_dict


def _records(plan_today):
    milestone = MilestoneFactory()
    action = milestone.action
    indicator = IndicatorFactory()
    return milestone, action, indicator


CASES = [
    # (label, build(milestone, action, indicator, text) -> instance, field)
    (
        "progress note",
        lambda m, a, i, t: ProgressUpdate(
            milestone=m, reporting_month=datetime.date(2009, 10, 1), status=Status.ON_TRACK, note=t
        ),
        "note",
    ),
    (
        "status reason",
        lambda m, a, i, t: ProgressUpdate(
            milestone=m, reporting_month=datetime.date(2009, 10, 1), status=Status.ON_TRACK, status_reason=t
        ),
        "status_reason",
    ),
    ("slippage reason", lambda m, a, i, t: SlippageRecord(milestone=m, reason_for_slippage=t), "reason_for_slippage"),
    ("slippage support", lambda m, a, i, t: SlippageRecord(milestone=m, support_required=t), "support_required"),
    (
        "milestone",
        lambda m, a, i, t: Milestone(action=a, lead=m.lead, description=t, due_date=datetime.date(2009, 12, 31)),
        "description",
    ),
    (
        "action title",
        lambda m, a, i, t: Action(plan=a.plan, theme=a.theme, action_lead=a.action_lead, ref="9.01", title=t),
        "title",
    ),
    (
        "action outcome",
        lambda m, a, i, t: Action(
            plan=a.plan, theme=a.theme, action_lead=a.action_lead, ref="9.02", title="T", expected_outcome=t
        ),
        "expected_outcome",
    ),
    ("theme", lambda m, a, i, t: Theme(plan=a.plan, name=t[:200]), "name"),
    ("person", lambda m, a, i, t: Person(name=f"Sam {t[:150]}"), "name"),
    ("job title", lambda m, a, i, t: Person(name="Sam", job_title=t[:200]), "job_title"),
    ("glossary", lambda m, a, i, t: GlossaryTerm(plan=a.plan, term="JAR", definition=t), "definition"),
    (
        "commentary",
        lambda m, a, i, t: Commentary(indicator=i, period=datetime.date(2009, 9, 1), commentary=t),
        "commentary",
    ),
    (
        "best practice",
        lambda m, a, i, t: Commentary(indicator=i, period=datetime.date(2009, 9, 1), best_practice=t),
        "best_practice",
    ),
    (
        "indicator definition",
        lambda m, a, i, t: Indicator(plan=i.plan, section=i.section, code="X 1", title="X", definition=t),
        "definition",
    ),
    ("comparator", lambda m, a, i, t: ComparatorGroup(name=t[:100]), "name"),
]


@pytest.mark.parametrize("label, build, field", CASES, ids=[c[0] for c in CASES])
def test_a_control_character_is_refused_by_full_clean(plan_today, label, build, field):
    instance = build(*_records(plan_today), f"Oct 2009 - On track{VT}more")
    assert "control character (U+000B)" in " ".join(_errors(instance)[field])


LONG = [c for c in CASES if c[0] not in ("theme", "person", "job title", "comparator")]  # those have max_length


@pytest.mark.parametrize("label, build, field", LONG, ids=[c[0] for c in LONG])
def test_text_over_the_limit_is_refused_by_full_clean(plan_today, label, build, field):
    instance = build(*_records(plan_today), "x" * 60_000)
    assert "60,000 characters long" in " ".join(_errors(instance)[field])


def test_a_note_of_the_limit_is_accepted(plan_today):
    milestone = MilestoneFactory()
    ProgressUpdate(
        milestone=milestone,
        reporting_month=datetime.date(2009, 10, 1),
        status=Status.ON_TRACK,
        note="x" * NOTE_MAX_LENGTH,
    ).full_clean()


def test_dates_out_of_range_are_refused_by_full_clean(plan_today):
    milestone = MilestoneFactory()
    update = ProgressUpdate(milestone=milestone, reporting_month=datetime.date(1900, 1, 1), status=Status.ON_TRACK)
    assert "too early" in _errors(update)["reporting_month"][0]
    early = Milestone(
        action=milestone.action,
        lead=milestone.lead,
        description="D",
        planned_start=datetime.date(1999, 12, 1),
        due_date=datetime.date(2109, 12, 31),
        revised_due_date=datetime.date(1066, 10, 14),
    )
    errors = _errors(early)
    assert {"planned_start", "due_date", "revised_due_date"} <= set(errors)
    record = SlippageRecord(
        milestone=milestone, reason_for_slippage="Late", revised_completion_date=datetime.date(2090, 1, 1)
    )
    assert "too far ahead" in _errors(record)["revised_completion_date"][0]
    indicator = IndicatorFactory()
    value = IndicatorValue(indicator=indicator, period=datetime.date(1990, 4, 1), value=5)
    assert "too early" in _errors(value)["period"][0]
    year = IndicatorYear(indicator=indicator, year=1900, target=5)
    assert "1900" in _errors(year)["year"][0]
    group = ComparatorGroup.objects.create(name="England")
    assert "2090" in _errors(Benchmark(indicator=indicator, comparator=group, year=2090, value=5))["year"][0]


@pytest.mark.parametrize(
    "note, month, message",
    [
        (f"Done{VT}more", "2009-10", "invisible control character (U+000B)"),
        ("x" * 60_000, "2009-10", "the limit is 5,000"),
        ("Fine", "Jan 1900", "too early"),
    ],
)
def test_the_progress_form_shows_the_message(client, users, milestone, plan_today, note, month, message):
    client.force_login(users["milestone_lead"])
    url = reverse("milestones:update", args=[milestone.pk])
    response = client.post(url, {"reporting_month": month, "status": "on_track", "note": note, "status_reason": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.filter(milestone=milestone).exists()


def test_plan_forms_show_the_message(client, users, plan_today):
    client.force_login(users["programme_manager"])
    action = ActionFactory()
    response = client.post(reverse("plans:person_create"), {"name": f"Sam{VT}Peel", "agency": "NHS"})
    assert response.status_code == 200 and "control character" in response.content.decode()
    response = client.post(reverse("plans:theme_create", args=[action.plan.pk]), {"name": f"T{VT}x", "order": 1})
    assert response.status_code == 200 and "control character" in response.content.decode()
    response = client.post(
        reverse("plans:action_create", args=[action.plan.pk]),
        {
            "ref": "7.01",
            "title": "x" * 60_000,
            "theme": ThemeFactory(plan=action.plan).pk,
            "action_lead": PersonFactory().pk,
        },
    )
    assert response.status_code == 200 and "the limit is 2,000" in response.content.decode()
    assert not Action.objects.filter(ref="7.01").exists()
    assert not Person.objects.filter(name__startswith="Sam").exists()
