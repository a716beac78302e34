"""Report pages, PDF jobs, packs: permissions, the background build, the kept PDF, query bounds."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from milestones.generated import generated_plan_create
from reports.models import CommitteePack, PackSection, RenderJob
from reports.services import render_job_execute

pytestmark = pytest.mark.django_db

ROLES = ["programme_manager", "milestone_lead", "performance_officer", "scrutiny_member"]
KINDS = ["milestones", "exceptions", "indicators", "glossary"]


@pytest.fixture
def pack(demo):
    return CommitteePack.objects.get(plan=demo)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_report_pages(client, users, demo, role):
    client.force_login(users[role])
    for kind in KINDS:
        response = client.get(reverse("reports:report", args=[demo.pk, kind]), {"as_at": "2009-10"})
        assert response.status_code == 200
        assert ("Download PDF" in response.content.decode()) == (role in ("programme_manager", "scrutiny_member"))
    assert client.get(reverse("reports:packs", args=[demo.pk])).status_code == 200


def test_printable_html_is_the_standalone_document(client, users, demo):
    client.force_login(users["scrutiny_member"])
    html = client.get(reverse("reports:report", args=[demo.pk, "glossary"]), {"format": "html"}).content.decode()
    assert html.startswith("<!doctype html>") and "@page" in html and "Common Assessment Framework" in html


def write_views(demo, pack):
    return {
        "report_pdf": (reverse("reports:report_pdf", args=[demo.pk, "exceptions"]), {"as_at": "2009-10"}, RenderJob),
        "pack_pdf": (reverse("reports:pack_pdf", args=[pack.pk]), {}, RenderJob),
        "pack_create": (
            reverse("reports:pack_create", args=[demo.pk]),
            {
                "meeting": "Cabinet",
                "meeting_date": "2010-09-14",
                "report_title": "Safeguarding Plan",
                "as_at": "2010-08",
                "appendices": ["milestones"],
                "wards_affected": "ALL",
                "report_for": "Non Key Decision",
            },
            CommitteePack,
        ),
        "pack_edit": (
            reverse("reports:pack_edit", args=[pack.pk]),
            {
                "meeting": "Overview & Scrutiny",
                "meeting_date": "2009-12-03",
                "report_title": "Changed",
                "as_at": "2009-10",
                "appendices": ["glossary"],
            },
            None,
        ),
        "section_create": (
            reverse("reports:section_create", args=[pack.pk]),
            {"heading": "Legal comments", "placement": "after_summary", "body": "N/A", "order": 9},
            PackSection,
        ),
    }


ALLOWED = {
    "report_pdf": {"programme_manager", "scrutiny_member"},
    "pack_pdf": {"programme_manager"},
    "pack_create": {"programme_manager"},
    "pack_edit": {"programme_manager"},
    "section_create": {"programme_manager"},
}


@pytest.mark.parametrize("view", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_report_write_matrix(client, users, demo, pack, role, view, django_capture_on_commit_callbacks):
    url, data, model = write_views(demo, pack)[view]
    client.force_login(users[role])
    count = model.objects.count() if model else None
    before = CommitteePack.objects.values().get(pk=pack.pk)
    with django_capture_on_commit_callbacks(execute=False):  # building the PDF is not what this test is about
        response = client.post(url, data)
    if role in ALLOWED[view]:
        assert response.status_code == 302, response.content.decode()[:2000]
        if model:
            assert model.objects.count() == count + 1
        else:
            assert CommitteePack.objects.values().get(pk=pack.pk) != before
    else:
        assert response.status_code == 403
        assert (model.objects.count() if model else CommitteePack.objects.values().get(pk=pack.pk)) == (
            count if model else before
        )


def test_pack_pdf_is_built_off_the_request_and_kept(client, users, pack, django_capture_on_commit_callbacks):
    client.force_login(users["programme_manager"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports:pack_pdf", args=[pack.pk]))
    job = RenderJob.objects.get()
    # The request only queued the job: no PDF was laid out while it ran.
    assert response.url == job.get_absolute_url() and job.state == RenderJob.State.QUEUED and not job.pdf
    progress = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in progress and "Queued" in progress
    for callback in callbacks:  # what the worker does
        callback()
    job.refresh_from_db()
    assert job.state == RenderJob.State.DONE and job.pages > 30
    client.force_login(users["scrutiny_member"])
    page = client.get(pack.get_absolute_url()).content.decode()
    assert f"{job.pages} pages" in page  # the kept PDF is offered
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and download["Content-Disposition"].startswith("attachment")
    assert RenderJob.objects.count() == 1  # a second download costs nothing: no new job


def test_a_failed_build_is_reported_on_the_job(users, demo):
    job = RenderJob.objects.create(plan=demo, kind="no-such-report", requested_by=users["programme_manager"])
    job = render_job_execute(job.pk)
    assert job.state == RenderJob.State.FAILED and job.error


def test_a_job_deleted_while_it_waited_is_skipped_with_a_warning(users, demo, caplog):
    job = RenderJob.objects.create(plan=demo, kind="glossary", requested_by=users["programme_manager"])
    job_id = job.pk
    job.delete()
    assert render_job_execute(job_id) is None
    assert f"Render job {job_id} no longer exists" in caplog.text


def test_celery_task_runs_the_job(users, demo):
    from reports.tasks import render_job_run

    job = RenderJob.objects.create(plan=demo, kind="glossary", requested_by=users["programme_manager"])
    render_job_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == RenderJob.State.DONE and job.pdf.read(4) == b"%PDF"


@pytest.mark.parametrize(
    "args, message",
    [
        (["milestones", "--plan", "No such plan"], 'No plan called "No such plan".'),
        (["milestones", "--as-at", "Octember"], '"Octember" is not a month'),
        (["pack", "--pack-id", "999"], "No pack 999"),
        (["pack"], "Give --pack-id"),
    ],
)
def test_render_report_refuses_bad_input_with_one_line(demo, tmp_path, args, message):
    if "--plan" not in args:
        args = args + ["--plan", demo.name]
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *args, "--output", str(tmp_path / "out.pdf"))


def test_render_report_writes_html_and_pdf(demo, tmp_path):
    call_command(
        "render_report",
        "glossary",
        "--plan",
        demo.name,
        "--format",
        "html",
        "--output",
        str(tmp_path / "g.html"),
        stdout=open("/dev/null", "w"),
    )
    assert "Joint Area Review" in (tmp_path / "g.html").read_text()
    pack = CommitteePack.objects.get(plan=demo)
    call_command(
        "render_report",
        "pack",
        "--plan",
        demo.name,
        "--pack-id",
        str(pack.pk),
        "--as-at",
        "2009-09",
        "--output",
        str(tmp_path / "p.pdf"),
        stdout=open("/dev/null", "w"),
    )
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("kind", KINDS)
def test_report_pages_queries_are_bounded(client, users, kind, django_assert_max_num_queries, plan_today):
    plan = generated_plan_create(milestones=2000)
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reports:report", args=[plan.pk, kind]))
    assert response.status_code == 200


def test_pack_numbering():
    pack = CommitteePack(appendices=["glossary", "milestones", "exceptions", "indicators"])
    assert [n for n, _ in pack.numbered_appendices()] == ["1", "2", "2a", "3"]
    pack.appendices = ["exceptions", "milestones", "indicators"]
    assert [n for n, _ in pack.numbered_appendices()] == ["1", "2", "3"]


def test_cover_sections_follow_the_council_template(pack):
    sections = pack.cover_sections()
    main = [s.heading for s in sections if s.series == "main"]
    assert main[:6] == [
        "Purpose of the report (That is, the decision required)",
        "Introduction by Cabinet Member (if necessary)",
        "State link(s) with Council Plan Priorities and actions and / or other Strategies:",
        "Recommendations",
        "Reason for recommendation(s)",
        "Summary",
    ]
    assert len(main) == 14  # with "Use of appendices" (13) and Access to Information (14), as in seed 001
    assert [s.heading for s in sections if s.series == "body"] == ["Background", "Next Steps"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_a_pack_but_only_the_manager_edits(client, users, pack, role):
    client.force_login(users[role])
    html = client.get(pack.get_absolute_url()).content.decode()
    assert "Appendix 2a: Safeguarding Plan for Haringey Milestone Exception Report, October 2009" in html
    assert ("Edit the pack" in html) == (role == "programme_manager")
    assert client.get(reverse("reports:pack_document", args=[pack.pk])).status_code == 200
