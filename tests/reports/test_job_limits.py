"""Fair use of PDF builds: one build per document, a limit per person and overall."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import RenderJob
from reports.services import render_job_start
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)


@pytest.fixture
def plan():
    return PlanFactory()


def waiting(plan, user, kind="milestones", as_at=OCT):
    return RenderJob.objects.create(plan=plan, kind=kind, as_at=as_at, requested_by=user, state=RenderJob.State.QUEUED)


def test_the_same_document_asked_for_twice_is_built_once(plan, users):
    first = waiting(plan, users["scrutiny_member"])
    again = render_job_start(plan=plan, kind="milestones", requested_by=users["programme_manager"], as_at=OCT)
    assert again == first and RenderJob.objects.count() == 1


def test_a_person_may_have_two_builds_waiting_and_is_told_to_wait_for_a_third(plan, users, settings):
    settings.REPORT_JOBS_PER_PERSON = 2
    reader = users["scrutiny_member"]
    waiting(plan, reader, "milestones")
    waiting(plan, reader, "exceptions")
    with pytest.raises(ValidationError, match="Wait for one to finish"):
        render_job_start(plan=plan, kind="indicators", requested_by=reader, as_at=OCT)
    # Someone else is not held up by it.
    assert render_job_start(plan=plan, kind="indicators", requested_by=users["programme_manager"], as_at=OCT)


def test_builds_are_limited_overall(plan, users, settings):
    settings.REPORT_JOBS_WAITING_MAX = 1
    waiting(plan, users["programme_manager"], "exceptions")
    with pytest.raises(ValidationError, match="try again in a few minutes"):
        render_job_start(plan=plan, kind="milestones", requested_by=users["scrutiny_member"], as_at=OCT)


def test_a_reader_gets_the_recent_build_while_the_manager_rebuilds(plan, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    built = RenderJob.objects.create(
        plan=plan, kind="milestones", as_at=OCT, state=RenderJob.State.DONE, finished_at=timezone.now()
    )
    built.pdf.save("built.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert render_job_start(plan=plan, kind="milestones", requested_by=users["scrutiny_member"], as_at=OCT) == built
    fresh = render_job_start(plan=plan, kind="milestones", requested_by=users["programme_manager"], as_at=OCT)
    assert fresh != built


def test_roles_without_documents_cannot_start_a_build(plan, users):
    with pytest.raises(PermissionDenied):
        render_job_start(plan=plan, kind="milestones", requested_by=users["milestone_lead"], as_at=OCT)


def test_the_page_says_why_a_build_was_refused(client, plan, users, settings):
    settings.REPORT_JOBS_PER_PERSON = 1
    reader = users["scrutiny_member"]
    waiting(plan, reader, "exceptions")
    client.force_login(reader)
    response = client.post(
        reverse("reports:report_pdf", args=[plan.pk, "milestones"]), {"as_at": "2009-10"}, follow=True
    )
    assert response.status_code == 200
    assert "Wait for one to finish" in response.content.decode()
    assert RenderJob.objects.count() == 1
