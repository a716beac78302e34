from celery import shared_task

from .services import render_job_execute


@shared_task
def render_job_run(job_id):
    """Thin: the service does the work and records progress on the job."""
    render_job_execute(job_id)
