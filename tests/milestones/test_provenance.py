"""Where each progress update came from: submitted in the app, imported, or loaded from an earlier
report. Only submitted ones go to sign-off, and no page fails on an update without a person."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from milestones import services
from milestones.models import ProgressUpdate
from milestones.selectors import updates_awaiting_review
from milestones.status import Status
from reports.transfer import plan_workbook_import
from tests.factories import ProgressUpdateFactory, default_organisation

pytestmark = pytest.mark.django_db

CSV = (
    "Theme,Action Ref,Action,Action Lead,Milestone,Milestone Lead,Due Date,Status,Progress Note\n"
    "Leadership,1.01,Set up the board,Ann Lead,Terms agreed,Ann Lead,31/10/2009,On track,Oct 2009 - agreed\n"
)


def test_the_sign_off_page_works_with_updates_that_have_no_author(client, users, milestone, plan_today):
    ProgressUpdateFactory(milestone=milestone, note="loaded from the October report")  # no author
    client.force_login(users["programme_manager"])
    response = client.get(reverse("milestones:sign_off"))
    assert response.status_code == 200
    assert "loaded from the October report" not in response.content.decode()


def test_submitted_updates_record_their_source_and_go_to_sign_off(users, milestone, plan_today):
    update = services.progress_update_create(
        milestone=milestone,
        author=users["milestone_lead"],
        reporting_month=plan_today.replace(day=1),
        status=Status.ON_TRACK,
        note="on track",
    )
    assert update.source == ProgressUpdate.Source.SUBMITTED
    assert update in updates_awaiting_review(users["programme_manager"])


def test_imported_updates_name_who_imported_them_and_never_wait_for_sign_off(users, plan_today, client):
    manager = users["programme_manager"]
    plan_workbook_import(
        plan_name="Imported", filename="plan.csv", content=CSV.encode(), owner=default_organisation(), author=manager
    )
    update = ProgressUpdate.objects.get()
    assert (update.source, update.brought_in_by) == (ProgressUpdate.Source.IMPORTED, manager)
    assert update.author is None
    assert updates_awaiting_review(manager) == []
    client.force_login(manager)
    page = client.get(reverse("milestones:detail", args=[update.milestone_id])).content.decode()
    assert "Imported from a spreadsheet" in page and "awaiting sign-off" not in page


def test_an_imported_update_cannot_be_signed_off(users, milestone, plan_today):
    update = ProgressUpdateFactory(milestone=milestone, source="imported")
    with pytest.raises(ValidationError, match="only updates submitted in the app"):
        services.update_review_create(update=update, reviewer=users["programme_manager"], decision="signed_off")
