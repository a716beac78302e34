"""Publishing a pack: a stable random public URL, anonymous access to published packs only, withdraw -> 404."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import CommitteePack, PackPublication
from reports.services import pack_publish, pack_withdraw, render_job_execute, render_job_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def built_pack(demo, users):
    pack = CommitteePack.objects.get(plan=demo)
    render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack).pk)
    return pack


def test_publish_serves_the_pdf_to_anyone_with_cache_headers_until_withdrawn(built_pack, users):
    manager = users["programme_manager"]
    client = Client()
    client.force_login(manager)
    response = client.post(reverse("reports:pack_publish", args=[built_pack.pk]))
    assert response.status_code == 302
    publication = PackPublication.objects.get(pack=built_pack)
    assert len(publication.slug) >= 16 and str(built_pack.pk) not in publication.get_absolute_url().split("/")
    assert publication.snapshot is not None and publication.snapshot.period == built_pack.as_at

    anonymous = Client()
    pdf = anonymous.get(publication.get_absolute_url())
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "public" in pdf["Cache-Control"] and "max-age" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    page = anonymous.get(reverse("reports:public_plan", args=[built_pack.plan_id]))
    assert page.status_code == 200 and publication.get_absolute_url() in page.content.decode()
    # Nothing else of the plan is public.
    for name, args in [
        ("reports:pack", [built_pack.pk]),
        ("reports:packs", [built_pack.plan_id]),
        ("reports:pack_document", [built_pack.pk]),
        ("milestones:plan", [built_pack.plan_id]),
    ]:
        assert anonymous.get(reverse(name, args=args)).status_code in (302, 403, 404), name

    client.post(reverse("reports:publication_withdraw", args=[publication.pk]))
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None
    assert anonymous.get(publication.get_absolute_url()).status_code == 404
    assert anonymous.get(reverse("reports:public_plan", args=[built_pack.plan_id])).status_code == 404


def test_a_plan_with_nothing_published_has_no_public_page(demo):
    assert Client().get(reverse("reports:public_plan", args=[demo.pk])).status_code == 404
    assert Client().get(reverse("reports:public_pack", args=["not-a-slug"])).status_code == 404


@pytest.mark.parametrize("role", ["scrutiny_member", "milestone_lead"])
def test_only_the_programme_manager_publishes_or_withdraws(built_pack, users, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        pack_publish(actor=users[role], pack=built_pack)
    publication = pack_publish(actor=users["programme_manager"], pack=built_pack)
    with pytest.raises(PermissionDenied):
        pack_withdraw(actor=users[role], publication=publication)
    client = Client()
    client.force_login(users[role])
    assert client.post(reverse("reports:pack_publish", args=[built_pack.pk])).status_code in (403, 404)


def test_publishing_needs_a_pdf_built_since_the_last_edit(demo, users):
    from django.core.exceptions import ValidationError

    pack = CommitteePack.objects.get(plan=demo)
    with pytest.raises(ValidationError):
        pack_publish(actor=users["programme_manager"], pack=pack)
