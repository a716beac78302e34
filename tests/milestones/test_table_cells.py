"""The milestone cells of the plan page and My milestones, built in Python for speed."""

import datetime

import pytest

from milestones.models import Milestone, UpdateReview
from milestones.status import Status
from milestones.templatetags.milestone_tags import milestone_cells

from ..factories import MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"


def annotated(milestone):
    return (
        Milestone.objects.with_current_status(today=datetime.date(2009, 11, 4)).with_review_state().get(pk=milestone.pk)
    )


def test_cells_escape_what_users_typed_and_show_dates_status_and_note(users):
    milestone = MilestoneFactory(description=SCRIPT, revised_due_date=datetime.date(2009, 12, 15))
    ProgressUpdateFactory(
        milestone=milestone,
        reporting_month=datetime.date(2009, 10, 1),
        status=Status.NOT_ON_TRACK,
        note=f"Oct 2009 - waiting {SCRIPT}",
        author=users["milestone_lead"],
    )
    html = milestone_cells(annotated(milestone))
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert f'<a href="/milestones/{milestone.pk}/">' in html
    assert "01 Jul 2009" in html  # planned start, as the date filter's "d M Y"
    assert '15 Dec 2009<br><span class="small text-body-secondary">was 31 Oct 2009</span>' in html
    assert "Not on track" in html and "Overdue" not in html  # revised date not yet passed
    assert "Oct 2009 - waiting &lt;script&gt;" in html


def test_cells_show_overdue_and_a_returned_update_with_its_comment(users):
    milestone = MilestoneFactory(due_date=datetime.date(2009, 10, 31))
    update = ProgressUpdateFactory(
        milestone=milestone,
        reporting_month=datetime.date(2009, 10, 1),
        status=Status.ON_TRACK,
        note="On track",
        author=users["milestone_lead"],
    )
    UpdateReview.objects.create(
        update=update,
        decision=UpdateReview.Decision.RETURNED,
        comment="Say <b>which</b> schools",
        reviewer=users["programme_manager"],
    )
    html = milestone_cells(annotated(milestone))
    assert "Overdue" in html
    assert "<strong>Returned:</strong> Say &lt;b&gt;which&lt;/b&gt; schools" in html


@pytest.mark.parametrize(
    "value",
    ['<script>alert("x")</script>', 'Tom & Jerry\'s "plan"', 42, None, datetime.date(2009, 10, 1), "", "é ✓ ◆"],
)
def test_row_html_escapes_exactly_as_djangos_format_html(value):
    from django.utils import html as django_html

    from milestones.templatetags import milestone_tags

    template = '<td title="{}">{}</td>'
    safe = django_html.format_html("<b>{}</b>", value)
    assert milestone_tags.format_html(template, value, safe) == django_html.format_html(template, value, safe)
    assert milestone_tags.format_html_join(", ", "<i>{}</i>", [(value,), (safe,)]) == django_html.format_html_join(
        ", ", "<i>{}</i>", [(value,), (safe,)]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "One",
        "Six words exactly in this line",
        "Seven words: one more than the six",
        "  spaced\tout\nover   lines and more words than six  ",
        "Ends in … an ellipsis word … here",
        "one two three four five …",
        "one two three four five … six",
        "<b>Tags</b> & ampersands stay as text for escaping later on",
        "é ✓ ◆ ünïcödé wörds gö ön änd ön",
    ],
)
@pytest.mark.parametrize("count", [1, 6, 10])
def test_shortened_descriptions_match_djangos_truncatewords(text, count):
    from django.utils.text import Truncator

    from milestones.templatetags.milestone_tags import _words

    assert _words(text, count) == Truncator(text).words(count, truncate=" …")
