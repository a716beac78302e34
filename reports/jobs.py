"""Run a background PDF build: lay the document out, record its progress on the job and keep
the file. Called by the Celery task (reports/tasks.py), or by reports/services.py's dispatch
without a broker; it imports neither, so the task and the service do not import each other.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from . import parallel, piece_cache, rendering
from .models import RenderJob

log = logging.getLogger(__name__)


class _PageCounter(logging.Handler):
    """weasyprint logs 'Creating layout - Page N': turn that into job progress."""

    def __init__(self, job, label):
        super().__init__(level=logging.INFO)
        self.job, self.label, self.last = job, label, 0

    def emit(self, record):
        message = record.getMessage()
        if "Creating layout - Page" in message:
            self.last = int(message.rsplit(" ", 1)[-1])
            if self.last % 5 == 0:
                RenderJob.objects.filter(pk=self.job.pk).update(
                    progress=f"{self.label}: laying out page {self.last}", pages=self.last
                )


def _progress(job, text, pages=None):
    fields = {"progress": text}
    if pages is not None:
        fields["pages"] = pages
    RenderJob.objects.filter(pk=job.pk).update(**fields)


def render_job_execute(job_id):
    """Build the job's PDF and keep it. Failures are recorded on the job, never lost."""
    job = RenderJob.objects.select_related("plan", "pack__plan").filter(pk=job_id).first()
    if job is None:  # deleted (with its plan or pack) while it waited in the queue
        log.warning("Render job %s no longer exists; nothing to build", job_id)
        return None
    if job.finished:
        return job
    RenderJob.objects.filter(pk=job.pk).update(state=RenderJob.State.RUNNING, progress="Collecting the data")
    weasy_log = logging.getLogger("weasyprint.progress")
    previous_level = weasy_log.level
    counter = None
    try:
        if job.pack:
            if job.as_at:
                job.pack.as_at = job.as_at
            parts, title = rendering.pack_parts(job.pack, job.snapshot), job.pack.report_title
        else:
            part = rendering.report_part(
                job.kind, job.plan, job.as_at, filters=job.filters or None, snapshot=job.snapshot
            )
            parts, title = [part], part.label
        if parallel.worth_splitting(parts):
            # A pack or a long report: laid out in pieces on both cores, the pieces unchanged since an
            # earlier build reused, joined into one tagged PDF; progress comes back piece by piece.
            content, pages = parallel.render_parts_pdf(
                parts,
                title,
                council=job.plan.organisation or job.plan.name,
                workers=settings.REPORT_LAYOUT_WORKERS,
                on_progress=lambda text, pages: _progress(job, text, pages),
                cache=piece_cache.default(),
            )
        else:
            label = parts[0].label
            _progress(job, f"Laying out {label}")
            counter = _PageCounter(job, label)
            weasy_log.addHandler(counter)
            weasy_log.setLevel(logging.INFO)
            document = rendering.layout_pdf(parts, title)
            pages = len(document.pages)
            _progress(job, f"Writing the PDF ({pages} pages)", pages)
            content = rendering.write_pdf(document)
        job.refresh_from_db()
        job.pdf.save(job.filename, ContentFile(content), save=False)
        job.state, job.pages, job.progress = RenderJob.State.DONE, pages, f"Ready: {pages} pages"
        job.finished_at = timezone.now()
        job.save(update_fields=["pdf", "state", "pages", "progress", "finished_at"])
    except Exception as error:  # recorded for the user; the traceback goes to the log
        log.exception("Render job %s failed", job_id)
        RenderJob.objects.filter(pk=job_id).update(
            state=RenderJob.State.FAILED, error=str(error)[:2000], progress="Failed", finished_at=timezone.now()
        )
    finally:
        if counter:
            weasy_log.removeHandler(counter)
        weasy_log.setLevel(previous_level)
    return RenderJob.objects.get(pk=job_id)
