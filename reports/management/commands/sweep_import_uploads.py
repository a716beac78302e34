"""Delete uploaded spreadsheets no longer needed (what the schedule does daily)."""

from django.core.management.base import BaseCommand

from reports.import_jobs import import_uploads_sweep


class Command(BaseCommand):
    help = "Delete plan spreadsheets uploaded more than IMPORT_UPLOAD_DAYS ago (and files kept for a form's retry)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {import_uploads_sweep()} uploaded files.")
