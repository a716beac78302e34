import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milestones import services
from milestones.models import Evidence, EvidenceDownload
from milestones.selectors import my_milestones
from plans import roles

from ..factories import OrganisationFactory, PersonFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_supporting_lead_may_update_and_sees_it_in_my_milestones(milestone, users):
    helper = users["other_lead"]
    assert not milestone.can_be_updated_by(helper)
    milestone.supporting_leads.add(helper.person)
    assert milestone.can_be_updated_by(helper)
    assert (
        milestone in my_milestones(helper).needs_update + my_milestones(helper).overdue + my_milestones(helper).others
    )


def test_a_team_or_board_can_be_a_supporting_lead(milestone, users):
    board = PersonFactory(name="LSCB Training Sub-group", job_title="")
    services.milestone_update(
        actor=users["programme_manager"], milestone=milestone, supporting_leads=[board], outcome="All staff trained"
    )
    milestone.refresh_from_db()
    assert list(milestone.supporting_leads.all()) == [board]
    assert milestone.outcome == "All staff trained"


def test_a_supporting_lead_from_another_organisation_is_refused(milestone, users):
    outsider = PersonFactory(owner=OrganisationFactory(name="Northbridge"))
    with pytest.raises(ValidationError):
        services.milestone_update(actor=users["programme_manager"], milestone=milestone, supporting_leads=[outsider])


def test_the_milestone_page_shows_outcome_and_supporting_leads(milestone, users, client):
    services.milestone_update(
        actor=None, milestone=milestone, outcome="Fewer re-referrals", supporting_leads=[PersonFactory(name="Helper")]
    )
    ProgressUpdateFactory(milestone=milestone)
    client.force_login(users["scrutiny_member"])
    content = client.get(reverse("milestones:detail", args=[milestone.pk])).content.decode()
    assert "Fewer re-referrals" in content and "Helper" in content and "Files and links" in content


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_lead_adds_a_file_and_a_member_downloads_it_recorded(milestone, users):
    update = ProgressUpdateFactory(milestone=milestone)
    client = Client()
    client.force_login(users["milestone_lead"])
    url = reverse("milestones:evidence", args=[update.pk])
    response = client.post(url, {"title": "Minutes", "file": upload("minutes.pdf", PDF)})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    client.force_login(users["scrutiny_member"])
    assert b"Minutes" in client.get(url).content
    download = client.get(reverse("milestones:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert EvidenceDownload.objects.get().user == users["scrutiny_member"]


def test_a_link_can_be_evidence(milestone, users):
    update = ProgressUpdateFactory(milestone=milestone)
    evidence = services.evidence_add(
        actor=users["milestone_lead"], update=update, title="Ofsted letter", url="https://example.org/letter"
    )
    assert evidence.url and not evidence.file


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("tool.exe", b"MZ...", "cannot be added"),
        ("minutes.pdf", b"MZ not a pdf", "not a .pdf"),
        ("photo.png", PDF, "not a .png"),
        ("notes.txt", b"\x00\x01\x02\xff", "not a plain text"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_file_types_are_checked_by_extension_and_content(milestone, users, name, content, problem):
    update = ProgressUpdateFactory(milestone=milestone)
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(actor=users["milestone_lead"], update=update, title="x", file=upload(name, content))
    assert problem in str(refused.value)
    assert not Evidence.objects.exists()


def test_files_over_the_size_limit_are_refused(milestone, users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    update = ProgressUpdateFactory(milestone=milestone)
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(
            actor=users["milestone_lead"], update=update, title="x", file=upload("big.pdf", PDF + b"0" * 2000)
        )
    assert "limit" in str(refused.value)


def test_only_those_who_may_update_add_evidence(milestone, users):
    update = ProgressUpdateFactory(milestone=milestone)
    with pytest.raises(PermissionDenied):
        services.evidence_add(actor=users["other_lead"], update=update, title="x", url="https://example.org")
    client = Client()
    client.force_login(users["scrutiny_member"])
    response = client.post(reverse("milestones:evidence", args=[update.pk]), {"title": "x", "url": "https://e.org"})
    assert response.status_code == 403


def test_evidence_is_append_only(milestone, users):
    update = ProgressUpdateFactory(milestone=milestone)
    evidence = services.evidence_add(actor=users["milestone_lead"], update=update, title="x", url="https://e.org")
    from milestones.querysets import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        evidence.delete()


def test_another_organisation_gets_404_and_no_download_is_recorded(milestone, users):
    update = ProgressUpdateFactory(milestone=milestone)
    evidence = services.evidence_add(
        actor=users["milestone_lead"], update=update, title="x", file=upload("a.txt", b"hello")
    )
    stranger = UserFactory(role=roles.PROGRAMME_MANAGER, role__organisation=OrganisationFactory(name="Elsewhere"))
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("milestones:evidence_download", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("milestones:evidence", args=[update.pk])).status_code == 404
    assert not EvidenceDownload.objects.exists()
