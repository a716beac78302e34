import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from milestones.status import Status
from recommendations.rollup import RollUp
from reports import rendering
from reports.data import recommendation_report
from reports.snapshots import snapshot_create

from ..factories import ActionFactory, MilestoneFactory, PlanFactory, ProgressUpdateFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(plan_today):
    plan = PlanFactory(name="Safeguarding Plan")
    milestone = MilestoneFactory(action__plan=plan, action__ref="1.01", due_date=datetime.date(2009, 12, 31))
    ProgressUpdateFactory(milestone=milestone, reporting_month=datetime.date(2009, 9, 1), status=Status.ON_TRACK)
    RecommendationFactory(source__plan=plan, ref="1", actions=[milestone.action])
    RecommendationFactory(source__plan=plan, ref="2")
    plan.milestone = milestone
    return plan


def test_the_report_rolls_up_as_at_a_month(plan):
    september = recommendation_report(plan, as_at=datetime.date(2009, 9, 1))
    assert [row[1:] for row in september.rows] == [("1", RollUp.ON_TRACK), ("2", RollUp.NOT_COVERED)]
    ProgressUpdateFactory(milestone=plan.milestone, reporting_month=datetime.date(2009, 10, 1), status="achieved")
    assert recommendation_report(plan, as_at=datetime.date(2009, 10, 1)).rows[0][2] == RollUp.ACHIEVED
    assert recommendation_report(plan, as_at=datetime.date(2009, 9, 1)).rows[0][2] == RollUp.ON_TRACK


def test_a_snapshot_report_reads_the_frozen_rows(plan):
    snapshot = snapshot_create(plan=plan, period=datetime.date(2009, 9, 1), kind="monthly")
    ProgressUpdateFactory(milestone=plan.milestone, reporting_month=datetime.date(2009, 9, 1), status="not_on_track")
    live = recommendation_report(plan, as_at=datetime.date(2009, 9, 1))
    frozen = recommendation_report(plan, snapshot=snapshot)
    assert live.rows[0][2] == RollUp.AT_RISK
    assert frozen.rows[0][2] == RollUp.ON_TRACK
    assert frozen.header.snapshot == snapshot


def test_actions_of_another_plan_are_read_live_beside_a_snapshot(plan):
    sister = ActionFactory(plan=PlanFactory(owner=plan.owner), ref="9.01")
    MilestoneFactory(action=sister)
    RecommendationFactory(source__plan=plan, ref="3", actions=[sister])
    snapshot = snapshot_create(plan=plan, period=datetime.date(2009, 9, 1), kind="monthly")
    report = recommendation_report(plan, snapshot=snapshot)
    assert report.live_other_plans
    assert [row[1:] for row in report.rows if row[1] == "3"] == [("3", RollUp.NOT_STARTED)]


def test_the_report_page_html_and_command(plan, users, client, tmp_path):
    client.force_login(users["scrutiny_member"])
    response = client.get(reverse("reports:report", args=[plan.pk, "recommendations"]))
    assert response.status_code == 200
    assert b"Not covered" in response.content
    html = rendering.render_html([rendering.report_part("recommendations", plan)], "Recommendations")
    assert "Progress against Inspection Recommendations" in html
    output = tmp_path / "recs.html"
    call_command(
        "render_report", "recommendations", plan="Safeguarding Plan", format="html", output=str(output), as_at="2009-10"
    )
    assert "Not covered" in output.read_text()


def test_the_report_lays_out_as_a_pdf(plan):
    pdf = rendering.render_pdf([rendering.report_part("recommendations", plan)], "Recommendations")
    assert pdf.startswith(b"%PDF")


def test_the_report_is_a_pack_appendix(plan):
    from reports.models import CommitteePack

    pack = CommitteePack.objects.create(
        plan=plan,
        meeting="Scrutiny",
        meeting_date=datetime.date(2009, 12, 3),
        report_title="Safeguarding Plan",
        as_at=datetime.date(2009, 10, 1),
        appendices=["milestones", "recommendations"],
    )
    pack.full_clean()
    parts = rendering.pack_parts(pack)
    assert [p.kind for p in parts][1:] == ["milestones", "recommendations"]
