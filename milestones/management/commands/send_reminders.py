"""Send the reminders and escalations due today (what the schedule does daily), and optionally the digest."""

from django.core.management.base import BaseCommand

from milestones import reminders


class Command(BaseCommand):
    help = "Email milestone leads whose updates are due or overdue (each email once); --digest for the weekly digest."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Also send the programme managers' weekly digest.")

    def handle(self, *args, digest, **options):
        run = reminders.reminders_send()
        self.stdout.write(f"Sent {run.sent} reminders and escalations ({run.already_sent} already sent earlier).")
        if run.no_email:
            self.stdout.write("No email address for: " + ", ".join(sorted(set(run.no_email))))
        if digest:
            self.stdout.write(f"Sent {reminders.digest_send()} weekly digests.")
