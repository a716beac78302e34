import datetime

import pytest

from milestones import selectors
from milestones.status import Status

from ..factories import ActionFactory, MilestoneFactory, PersonFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

OCT, NOV = datetime.date(2009, 10, 1), datetime.date(2009, 11, 1)


def test_my_milestones_puts_this_months_updates_first_then_overdue(users, plan_today):
    me = PersonFactory(user=users["milestone_lead"])
    action = ActionFactory()
    needs_update = MilestoneFactory(action=action, lead=me, due_date=datetime.date(2009, 12, 31))
    ProgressUpdateFactory(milestone=needs_update, reporting_month=OCT)
    overdue_updated = MilestoneFactory(action=action, lead=me, due_date=datetime.date(2009, 10, 31))
    ProgressUpdateFactory(milestone=overdue_updated, reporting_month=NOV, status=Status.NOT_ON_TRACK, note="late")
    achieved = MilestoneFactory(action=action, lead=me)
    ProgressUpdateFactory(milestone=achieved, status=Status.ACHIEVED)
    future = MilestoneFactory(
        action=action, lead=me, planned_start=datetime.date(2010, 1, 1), due_date=datetime.date(2010, 3, 31)
    )
    someone_elses = MilestoneFactory(action=action)
    # Leading the action brings in all its milestones.
    action_led = MilestoneFactory(action=ActionFactory(action_lead=me), due_date=datetime.date(2010, 1, 31))

    mine = selectors.my_milestones(users["milestone_lead"])

    assert mine.needs_update == [needs_update, action_led]
    assert mine.overdue == [overdue_updated]
    assert set(mine.others) == {achieved, future}
    assert someone_elses not in mine.needs_update + mine.overdue + mine.others


def test_a_milestone_led_twice_over_is_listed_once(users, plan_today):
    me = PersonFactory(user=users["milestone_lead"])
    both = MilestoneFactory(action=ActionFactory(action_lead=me), lead=me)
    mine = selectors.my_milestones(users["milestone_lead"])
    assert mine.needs_update + mine.overdue + mine.others == [both]


def test_plan_page_filters_by_status_and_keeps_action_order(users, plan_today):
    action_b = ActionFactory(ref="1.10")
    action_a = ActionFactory(plan=action_b.plan, theme=action_b.theme, ref="1.09")
    on_track = MilestoneFactory(action=action_b)
    ProgressUpdateFactory(milestone=on_track, status=Status.ON_TRACK)
    MilestoneFactory(action=action_a)  # not started

    page = selectors.plan_page(action_b.plan)
    assert [row.action.ref for row in page.themes[0].actions] == ["1.09", "1.10"]
    assert page.status_counts == {Status.ON_TRACK: 1, Status.NOT_STARTED: 1}

    filtered = selectors.plan_page(action_b.plan, {"status": "on_track"})
    assert [row.action.ref for row in filtered.themes[0].actions] == ["1.10"]
    assert filtered.milestone_count == 1


def test_plan_page_shows_actions_without_milestones_unless_filtered(users):
    action = ActionFactory()
    assert [row.action for row in selectors.plan_page(action.plan).themes[0].actions] == [action]
    assert selectors.plan_page(action.plan, {"status": "achieved"}).themes == []


def test_plan_page_filter_lists_hold_this_plans_people_read_in_plain_queries(users, monkeypatch):
    """The theme and lead lists: each person once, none from another plan, and not streamed through
    queryset.iterator() (a server-side cursor on PostgreSQL: three round trips a list)."""
    from django.db.models.query import QuerySet

    action = ActionFactory()
    lead, other_plans_lead = PersonFactory(name="Ann Lead"), PersonFactory(name="Zed Elsewhere")
    MilestoneFactory(action=action, lead=lead)
    MilestoneFactory(action=action, lead=lead)
    MilestoneFactory(lead=other_plans_lead)

    def no_cursor(self, *args, **kwargs):
        raise AssertionError("a filter list was streamed through iterator()")

    monkeypatch.setattr(QuerySet, "iterator", no_cursor)
    form = selectors.plan_page(action.plan).filterset.form
    html = str(form["lead"]) + str(form["theme"]) + str(form["action_lead"])
    assert [label for _, label in form.fields["lead"].choices][1:] == ["Ann Lead"]
    assert "Zed Elsewhere" not in html and action.theme.name in html
    assert str(action.action_lead) in str(form["action_lead"])
