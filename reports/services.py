"""Background PDF builds: start a render job (reports/jobs.py runs it); committee packs' write path.

A web request only creates the job; the PDF is laid out by a Celery task (or, in the
embedded default with no broker, a background thread), never inside the request.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.services import fields_assign, instance_save, permission_check

from .jobs import render_job_execute  # also imported from here by its callers
from .models import RenderJob
from .runner import run_job

_ACTIVE = (RenderJob.State.QUEUED, RenderJob.State.RUNNING)


def _reusable_job(*, plan, kind, requested_by, pack, as_at, filters, snapshot):
    """The job that already builds (or recently built) this very document, if any.

    The same document as at the same month is built once: one still waiting or building is
    shared. A finished one is reused for a snapshot (it cannot change), for a pack not edited
    since that reads a snapshot, and, for people who cannot change the plan, for a live report built in the last
    REPORT_JOB_REUSE_MINUTES; the programme manager's own requests rebuild live documents."""
    same = RenderJob.objects.filter(plan=plan, kind=kind, pack=pack, as_at=as_at, snapshot=snapshot)
    candidates = [job for job in same.order_by("-created_at")[:20] if (job.filters or {}) == (filters or {})]
    for job in candidates:
        if job.state in _ACTIVE:
            return job
    done = [job for job in candidates if job.state == RenderJob.State.DONE and job.pdf]
    if not done:
        return None
    latest = done[0]
    if snapshot is not None:
        return latest
    if pack is not None:
        # Unchanged only if not edited since and read from a snapshot taken before it was built; a pack
        # read live is built again, which is quick: unchanged pieces are reused (reports/piece_cache.py).
        from .snapshots import current_snapshot

        frozen = current_snapshot(plan, as_at or pack.as_at)
        fresh = frozen is not None and frozen.taken_at <= latest.created_at
        return latest if fresh and latest.created_at >= pack.updated_at else None
    editor = requested_by is not None and requested_by.has_perm("plans.change_plan", plan)
    recent = timezone.now() - timezone.timedelta(minutes=settings.REPORT_JOB_REUSE_MINUTES)
    return latest if not editor and latest.finished_at and latest.finished_at >= recent else None


def render_job_start(*, plan, kind, requested_by, pack=None, as_at=None, filters=None, snapshot=None) -> RenderJob:
    """Queue a PDF build, unless the same document is already being built (or was just built).

    Limited per person and overall, so nobody can fill the machine with builds."""
    if requested_by is not None:
        permission_check(requested_by, "plans.change_plan" if pack else "plans.download_documents", plan)
    existing = _reusable_job(
        plan=plan, kind=kind, requested_by=requested_by, pack=pack, as_at=as_at, filters=filters, snapshot=snapshot
    )
    if existing:
        return existing
    active = RenderJob.objects.filter(state__in=_ACTIVE)
    if requested_by is not None and active.filter(requested_by=requested_by).count() >= settings.REPORT_JOBS_PER_PERSON:
        raise ValidationError(
            f"You already have {settings.REPORT_JOBS_PER_PERSON} documents being built. "
            "Wait for one to finish (its page shows progress), then ask again."
        )
    if active.count() >= settings.REPORT_JOBS_WAITING_MAX:
        raise ValidationError(
            "Many documents are being built right now. Please try again in a few minutes; nothing was lost."
        )
    job = RenderJob.objects.create(
        plan=plan,
        kind=kind,
        pack=pack,
        as_at=as_at,
        snapshot=snapshot,
        filters=filters or {},
        requested_by=requested_by,
        progress="Waiting to start",
    )
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id):
    def enqueue():
        from .tasks import render_job_run

        render_job_run.delay(job_id)

    run_job(job_id, execute=render_job_execute, enqueue=enqueue)


# --- committee packs: the one write path --------------------------------------------------------
# Each service checks "plans.change_plan" on the pack's plan, runs full_clean() and records who
# made the change. actor=None is a system load (the demo's pack document): no check, no author.


def _pack_save(pack, actor):
    # No appendices is a valid pack (the field is not marked blank); CommitteePack.clean checks the kinds.
    return instance_save(pack, actor=actor, exclude=["appendices"] if pack.appendices == [] else None)


def _pack_section_save(section, actor):
    instance_save(section, actor=actor)
    # The pack's saved PDF is now out of date.
    section.pack.save(update_fields=["updated_at"])
    return section


@transaction.atomic
def pack_create(*, actor, plan, **fields):
    """A committee pack for `plan`; the actor is recorded as its author (`created_by`)."""
    from .models import CommitteePack

    permission_check(actor, "plans.change_plan", plan)
    pack = fields_assign(CommitteePack(plan=plan), fields, fixed=("plan",))
    if actor is not None:
        pack.created_by = actor
    return _pack_save(pack, actor)


@transaction.atomic
def pack_update(*, actor, pack, **fields):
    permission_check(actor, "plans.change_plan", pack.plan)
    fields_assign(pack, fields, fixed=("plan",))
    return _pack_save(pack, actor)


@transaction.atomic
def pack_create_from(*, actor, source, **fields):
    """A new pack for the same plan that starts from `source`: the fields given (as typed on the
    form, which was filled in from the source), and a copy of each of the source's cover sections."""
    pack = pack_create(actor=actor, plan=source.plan, **fields)
    from .models import PackSection

    copied = [f.name for f in PackSection._meta.concrete_fields if f.editable and f.name not in ("id", "pack")]
    for section in source.sections.all():
        pack_section_create(actor=actor, pack=pack, **{name: getattr(section, name) for name in copied})
    return pack


@transaction.atomic
def pack_section_create(*, actor, pack, **fields):
    """A free section of the pack's cover report."""
    from .models import PackSection

    permission_check(actor, "plans.change_plan", pack.plan)
    return _pack_section_save(fields_assign(PackSection(pack=pack), fields, fixed=("pack",)), actor)


@transaction.atomic
def pack_section_update(*, actor, section, **fields):
    permission_check(actor, "plans.change_plan", section.pack.plan)
    return _pack_section_save(fields_assign(section, fields, fixed=("pack",)), actor)


@transaction.atomic
def pack_document_load(document: dict, created_by=None):
    """Create (or refresh) a committee pack from a pack document (fixtures/haringey_pack_*.json).

    A system load through pack_create / pack_update and pack_section_create (actor=None);
    `created_by` is recorded as the pack's author when given."""
    import datetime

    from plans.models import Plan

    from .models import CommitteePack

    plan = Plan.objects.get(name=document["plan"])
    meeting_date = datetime.date.fromisoformat(document["meeting_date"])
    fields = {
        key: document.get(key, "")
        for key in (
            "report_title",
            "report_of",
            "contact_officer",
            "agenda_item",
            "signed_by",
            "wards_affected",
            "report_for",
            "purpose",
            "recommendations",
            "reasons",
            "summary",
            "background_papers",
        )
    }
    fields.update(
        as_at=datetime.date.fromisoformat(document["as_at"] + "-01"),
        appendices=document.get("appendices", []),
        created_by=created_by,
    )
    pack = CommitteePack.objects.filter(plan=plan, meeting=document["meeting"], meeting_date=meeting_date).first()
    if pack is None:
        pack = pack_create(actor=None, plan=plan, meeting=document["meeting"], meeting_date=meeting_date, **fields)
    else:
        pack = pack_update(actor=None, pack=pack, **fields)
    pack.sections.all().delete()
    for n, section in enumerate(document.get("sections", []), start=1):
        fields = {k: section[k] for k in ("heading", "body", "placement")}
        pack_section_create(actor=None, pack=pack, order=n, slot=section.get("slot", ""), **fields)
    return pack


# --- publishing a pack ---------------------------------------------------------------------------


@transaction.atomic
def pack_publish(*, actor, pack):
    """Publish the pack, as at its snapshot, to the plan's public page: its latest PDF (built since
    the pack was last edited) is copied to a publication with a random, stable URL. The PDF is never
    built in the request: build it first (render_job_start)."""
    from django.core.files.base import ContentFile

    from .models import PackPublication
    from .snapshots import current_snapshot

    permission_check(actor, "plans.change_plan", pack.plan)
    job = (
        RenderJob.objects.filter(
            pack=pack, state=RenderJob.State.DONE, as_at__isnull=True, created_at__gte=pack.updated_at
        )
        .exclude(pdf="")
        .order_by("-created_at")
        .first()
    )
    if job is None:
        raise ValidationError("Build the pack's PDF first (it must be built since the pack was last edited).")
    publication = PackPublication(
        pack=pack, snapshot=current_snapshot(pack.plan, pack.as_at), pages=job.pages, published_by=actor
    )
    with job.pdf.open("rb") as source:
        publication.pdf.save(job.filename, ContentFile(source.read()), save=False)
    publication.save()
    return publication


@transaction.atomic
def pack_withdraw(*, actor, publication):
    """Withdraw a publication: its public URL answers 404 from now on (the record is kept)."""
    permission_check(actor, "plans.change_plan", publication.pack.plan)
    if publication.withdrawn_at is None:
        publication.withdrawn_at, publication.withdrawn_by = timezone.now(), actor
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return publication
