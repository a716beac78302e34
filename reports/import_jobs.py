"""Imports off the request: reading the upload, the preview (a dry run) and the import itself run as
a background job, dispatched as the PDF builds are (inline in tests, a thread in the embedded
default, Celery with a broker). A request only saves the upload, records the choices made in the
preview, and shows the job's progress; no request reads the spreadsheet.

The preview's result -- the rows as read, the mapping, problems and flags -- is kept as JSON on the
job, and confirming writes exactly that, without reading the file's plan sheet again.
"""

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from milestones import importing
from milestones.import_layout import FIELDS
from plans import roles
from plans.importing import ImportRefused, Problem

from . import transfer
from .models import ImportJob
from .runner import run_job

log = logging.getLogger(__name__)


# The session's note of an upload kept when its form had another problem (the organisation to
# choose, say), so that the person need not find the file again.
HELD_UPLOAD = "import_held_upload"


def _extension(upload):
    return ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"


def upload_hold(session, upload):
    """Keep a valid upload whose form had another problem (replacing any kept before)."""
    upload_release(session)
    path = default_storage.save(f"imports/held/{uuid.uuid4().hex}{_extension(upload)}", upload)
    session[HELD_UPLOAD] = {"path": path, "name": upload.name[:255]}


def held_upload(session):
    """The kept upload as a file named as it was uploaded, or None."""
    held = session.get(HELD_UPLOAD)
    if not held or not default_storage.exists(held["path"]):
        return None
    return File(default_storage.open(held["path"], "rb"), name=held["name"])


def upload_release(session):
    held = session.pop(HELD_UPLOAD, None)
    if held:
        default_storage.delete(held["path"])


def _upload_delete(job):
    """The file goes; the job's record says it has none (so the sweep does not count it again)."""
    job.upload.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(upload="")


def import_uploads_sweep(now=None) -> int:
    """Delete uploaded spreadsheets no longer needed (they hold people's names and email addresses):
    those of imports finished, failed or left in preview for IMPORT_UPLOAD_DAYS, and files kept for a
    form's next try for a day. The import's record stays (what it did and who asked). Returns how many
    files were deleted; run daily by the schedule, or by `manage.py sweep_import_uploads`."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_UPLOAD_DAYS)
    deleted = 0
    stale = ImportJob.objects.filter(created_at__lt=cutoff).exclude(upload="")
    for job in stale.exclude(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]):
        _upload_delete(job)
        deleted += 1
    try:
        _, names = default_storage.listdir("imports/held")
    except FileNotFoundError:
        names = []
    for name in names:
        path = f"imports/held/{name}"
        if default_storage.get_modified_time(path) < now - datetime.timedelta(days=1):
            default_storage.delete(path)
            deleted += 1
    return deleted


def import_organisations(user):
    """The organisations the user may import into: those whose plans they manage (organisation-wide
    programme managers may also create plans there), and those owning a plan they manage."""
    from plans.models import Organisation

    managed = set(roles.managed_organisations(user).values_list("pk", flat=True))
    owners = set(roles.visible_plans(user, roles.PROGRAMME_MANAGER).values_list("owner_id", flat=True))
    return Organisation.objects.filter(pk__in=managed | owners).order_by("name")


def _named(user, plan_name, organisation):
    return list(roles.visible_plans(user).named(plan_name, organisation).select_related("owner"))


def import_target(user, plan_name, organisation=None):
    """The plan of this name the user can see (in `organisation` when given; names are unique within
    an organisation: another organisation's plan of the same name is neither seen nor touched), or
    None for a new plan."""
    plans = _named(user, plan_name, organisation)
    return next((p for p in plans if user.has_perm("plans.change_plan", p)), plans[0] if plans else None)


def import_target_problem(user, plan_name, organisation=None):
    """Why this user may not import into a plan of this name (None when they may)."""
    plans = _named(user, plan_name, organisation)
    manageable = [p for p in plans if user.has_perm("plans.change_plan", p)]
    if organisation is None:
        owners = sorted({p.owner.name for p in manageable})
        if len(owners) > 1:  # e.g. a regional programme manager, or the host's administrator
            return f'You manage a plan called "{plan_name}" in {" and ".join(owners)}: choose the organisation.'
    if not plans:
        managed = roles.managed_organisations(user)
        if organisation is not None:
            if not managed.filter(pk=organisation.pk).exists():
                return (
                    f'{organisation} has no plan called "{plan_name}" that you manage, and you cannot create plans '
                    "there: check the name, or choose another organisation."
                )
            return None
        if not managed.exists():
            return "You can import into a plan you manage; ask your organisation's programme manager for a new one."
        if managed.count() > 1:
            return f'Choose the organisation the new plan "{plan_name}" belongs to.'
        return None
    if not manageable:
        return f'You are not the programme manager of a plan called "{plan_name}". Choose another name.'
    return None


def _check(user, plan_name, organisation=None):
    problem = import_target_problem(user, plan_name, organisation)
    if problem:
        raise PermissionDenied(problem)


def import_job_start(*, user, plan_name, upload, organisation=None) -> ImportJob:
    """Keep the upload and queue its preview (into the plan of this name in `organisation`, or in
    the one organisation where the user has it or may create it)."""
    _check(user, plan_name, organisation)
    target = import_target(user, plan_name, organisation)
    job = ImportJob(
        token=uuid.uuid4().hex,
        plan_name=plan_name,
        owner=organisation or getattr(target, "owner", None) or roles.managed_organisations(user).first(),
        requested_by=user,
        filename=upload.name[:255],
        progress="Waiting to read the file",
    )
    job.upload.save(f"{job.token}{_extension(upload)}", upload, save=False)
    job.save()
    _queue(job.pk)
    return job


def _still_has_file(job):
    if not job.upload:
        raise ValidationError(
            f"This file was deleted {settings.IMPORT_UPLOAD_DAYS} days after it was uploaded, as every "
            "upload is: upload it again to import it."
        )


def import_job_remap(*, job, user, mapping=None, as_at=None, objectives_as=None, sheet=None) -> ImportJob:
    """Read the file again with the mapping (and as-at month, sheet, objectives) chosen in the preview."""
    _check(user, job.plan_name, job.owner)
    _still_has_file(job)
    if job.busy or job.state == ImportJob.State.DONE:
        raise ValidationError("This import is still running or already done.")
    mapping = {str(k)[:200]: v for k, v in (mapping or {}).items() if v in FIELDS or v == ""}
    job.options = {
        "mapping": mapping,
        "as_at": as_at.isoformat() if isinstance(as_at, datetime.date) else None,
        "objectives_as": objectives_as if objectives_as in importing.OBJECTIVES_AS else None,
        "sheet": (sheet or "")[:100] or None,
    }
    job.stage, job.state, job.progress, job.error = ImportJob.Stage.PREVIEW, ImportJob.State.QUEUED, "Waiting", ""
    job.save(update_fields=["options", "stage", "state", "progress", "error"])
    _queue(job.pk)
    return job


def import_job_confirm(*, job, user) -> ImportJob:
    """Write the previewed result."""
    _check(user, job.plan_name, job.owner)
    _still_has_file(job)
    if job.state != ImportJob.State.READY or job.problems:
        raise ValidationError("Only a previewed file with no problems can be imported.")
    job.stage, job.state, job.progress = ImportJob.Stage.IMPORT, ImportJob.State.QUEUED, "Waiting to import"
    job.save(update_fields=["stage", "state", "progress"])
    _queue(job.pk)
    return job


def _queue(job_id):
    """Run the job once the request's transaction commits (inline in tests: straight away)."""
    if getattr(settings, "REPORT_JOB_RUNNER", "celery") == "inline":
        import_job_execute(job_id)
    else:
        transaction.on_commit(lambda: dispatch(job_id))


def dispatch(job_id):
    def enqueue():
        # By name, so this module does not import the tasks module that imports it.
        from celery import current_app

        current_app.send_task("reports.tasks.import_job_run", args=[job_id])

    run_job(job_id, execute=import_job_execute, enqueue=enqueue)


def _progress(job, text):
    ImportJob.objects.filter(pk=job.pk).update(progress=text[:300])


def _options(job):
    options = dict(job.options or {})
    if options.get("as_at"):
        options["as_at"] = datetime.date.fromisoformat(options["as_at"])
    return {k: v for k, v in options.items() if v}


def import_job_execute(job_id):
    """Run the job's stage; the outcome (or the failure) is recorded on the job."""
    job = ImportJob.objects.select_related("requested_by", "owner").filter(pk=job_id).first()
    if job is None or job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, progress="Reading the file")
    started = time.monotonic()
    try:
        if job.stage == ImportJob.Stage.PREVIEW:
            _preview(job)
        else:
            _import(job)
    except Exception as error:  # recorded for the user; the traceback goes to the log
        log.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, error=str(error)[:2000], progress="Failed", finished_at=timezone.now()
        )
    log.info("Import job %s (%s) took %.1f s", job_id, job.stage, time.monotonic() - started)
    return ImportJob.objects.get(pk=job_id)


def _content(job):
    with job.upload.open("rb") as file:
        return file.read()


def _preview(job):
    content = _content(job)
    try:
        parsed = transfer.plan_parse(
            plan_name=job.plan_name, filename=job.filename, content=content, owner=job.owner, **_options(job)
        )
    except ImportRefused as refused:  # the file cannot be read at all
        _finish(job, ImportJob.State.READY, result=None, summary=None, problems=refused.problems)
        return
    _progress(job, f"Checking {len(parsed.rows)} rows (a dry run of the import)")
    summary, problems = None, list(parsed.problems)
    if not problems:
        try:
            summary = transfer.plan_workbook_import(
                plan_name=job.plan_name,
                filename=job.filename,
                content=content,
                parsed=parsed,
                dry_run=True,
                owner=job.owner,
                author=job.requested_by,
            ).to_json()
        except ImportRefused as refused:
            problems = refused.problems
        except PermissionDenied as refused:
            problems = [Problem(0, "Plan", str(refused))]
    _finish(job, ImportJob.State.READY, result=parsed.to_json(), summary=summary, problems=problems)


def _import(job):
    parsed = importing.Parsed.from_json(job.result)
    _progress(job, f"Importing {parsed.milestone_count} milestones")
    content = _content(job) if "Indicators" in parsed.proposed_sheets else None
    try:
        summary = transfer.plan_workbook_import(
            plan_name=job.plan_name,
            filename=job.filename,
            content=content,
            parsed=parsed,
            owner=job.owner,
            author=job.requested_by,
        )
    except ImportRefused as refused:
        _finish(job, ImportJob.State.READY, summary=job.summary, problems=refused.problems, result=job.result)
        return
    _finish(job, ImportJob.State.DONE, result=job.result, summary=summary.to_json(), problems=[])
    _upload_delete(job)


def _finish(job, state, *, result, summary, problems):
    ImportJob.objects.filter(pk=job.pk).update(
        state=state,
        result=result,
        summary=summary,
        problems=[{"row": p.row, "column": p.column, "message": p.message} for p in problems],
        progress="Imported" if state == ImportJob.State.DONE else "Read",
        finished_at=timezone.now(),
    )
