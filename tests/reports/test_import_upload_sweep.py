"""Uploaded plan spreadsheets hold people's names and email addresses: they are deleted once no longer
needed (IMPORT_UPLOAD_DAYS after upload; a file kept for a form's retry after a day), the import's
record staying; an import whose file is gone says so in words."""

import datetime
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports import import_jobs
from reports.models import ImportJob

pytestmark = pytest.mark.django_db

CSV = b"Ref,Action,Milestone,Lead,Due\n1.1,Stable workforce,Recruit 12 social workers,Tom Ashworth,March 2010\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def upload(client, users):
    client.force_login(users["programme_manager"])
    response = client.post(reverse("reports:import"), {"plan": "Swept plan", "file": SimpleUploadedFile("p.csv", CSV)})
    assert response.status_code == 302, response.content.decode()[:400]
    return ImportJob.objects.get(), response.url


def test_an_upload_left_in_preview_is_deleted_after_the_days_and_its_record_kept(client, users, media, settings):
    job, _ = upload(client, users)
    path = job.upload.path
    assert os.path.exists(path)
    assert import_jobs.import_uploads_sweep() == 0  # too recent
    later = timezone.now() + datetime.timedelta(days=settings.IMPORT_UPLOAD_DAYS, minutes=1)
    assert import_jobs.import_uploads_sweep(now=later) == 1
    assert not os.path.exists(path)
    job.refresh_from_db()
    assert not job.upload and job.filename == "p.csv"  # the record of what was asked stays


def test_a_running_import_keeps_its_file(client, users, media, settings):
    job, _ = upload(client, users)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    later = timezone.now() + datetime.timedelta(days=settings.IMPORT_UPLOAD_DAYS + 1)
    assert import_jobs.import_uploads_sweep(now=later) == 0
    assert os.path.exists(job.upload.path)


def test_confirming_an_import_whose_file_was_deleted_says_so(client, users, media, settings):
    job, url = upload(client, users)
    later = timezone.now() + datetime.timedelta(days=settings.IMPORT_UPLOAD_DAYS, minutes=1)
    import_jobs.import_uploads_sweep(now=later)
    for do in ("confirm", "remap"):
        page = client.post(url, {"do": do}, follow=True).content.decode()
        assert "This file was deleted 7 days after it was uploaded" in page, do
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY  # nothing queued


def test_a_file_kept_for_a_retry_is_deleted_after_a_day_and_the_command_says_how_many(media, capsys):
    held = media / "imports" / "held"
    held.mkdir(parents=True)
    old, new = held / "old.csv", held / "new.csv"
    old.write_bytes(CSV)
    new.write_bytes(CSV)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    call_command("sweep_import_uploads")
    assert not old.exists() and new.exists()
    assert "Deleted 1 uploaded files." in capsys.readouterr().out


def test_an_imported_files_record_says_it_is_gone_and_the_sweep_does_not_count_it(client, users, media, settings):
    job, url = upload(client, users)
    client.post(url, {"do": "confirm"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and not job.upload
    later = timezone.now() + datetime.timedelta(days=settings.IMPORT_UPLOAD_DAYS + 1)
    assert import_jobs.import_uploads_sweep(now=later) == 0
