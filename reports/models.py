from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from milestones.models import AppendOnlyModel
from milestones.querysets import AppendOnlyQuerySet
from milestones.schemes import StatusScheme
from plans.models import Organisation, Plan
from safeguarding import dates
from safeguarding.filenames import download_filename

from . import covers, registry

APPENDIX_CHOICES = registry.CHOICES  # kept for callers; reports/registry.py lists the reports


def split_paragraphs(text):
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


class CommitteePack(models.Model):
    """A cover report and its appendices for a meeting, saved so it can be produced again."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="packs")
    meeting = models.CharField(max_length=200, help_text="For example Overview & Scrutiny, Cabinet, Children's Trust")
    meeting_date = models.DateField()
    report_title = models.CharField(max_length=300)
    report_of = models.CharField(
        max_length=300, blank=True, help_text="For example Peter Lewis, Director of Children Services"
    )
    contact_officer = models.CharField(max_length=300, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True, help_text="The item number on the meeting's agenda.")
    signed_by = models.CharField(
        max_length=300, blank=True, help_text="Printed on the 'Signed' line; leave blank for a line to sign on paper."
    )
    wards_affected = models.CharField(max_length=200, blank=True, default="All")
    report_for = models.CharField(max_length=200, blank=True, default="Non Key Decision")
    as_at = models.DateField("reports as at month", help_text="The month the appendices report on.")
    purpose = models.TextField("purpose of the report", blank=True, help_text="Separate paragraphs with a blank line.")
    recommendations = models.TextField(blank=True)
    reasons = models.TextField("reasons for recommendations", blank=True)
    summary = models.TextField(blank=True)
    background_papers = models.TextField(
        blank=True,
        help_text="Access to Information / background papers: one paragraph each (blank line between). Markdown.",
    )
    appendices = models.JSONField(default=list, help_text="Appendix kinds in order.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting_date", "-id"]

    def __str__(self):
        return f"{self.meeting}, {self.meeting_date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("reports:pack", args=[self.pk])

    def clean(self):
        unknown = [kind for kind in self.appendices or [] if kind not in registry.REPORTS]
        if unknown:
            raise ValidationError({"appendices": f"Unknown appendix: {', '.join(unknown)}."})
        if self.as_at:
            self.as_at = self.as_at.replace(day=1)

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if self.as_at:
            self.as_at = self.as_at.replace(day=1)
        super().save(*args, **kwargs)

    def numbered_appendices(self):
        """[(number, kind)]: numbered in order; an exception report straight after the
        milestone report is its sub-appendix ('2a'), as the committee reports number them."""
        numbered, number, previous = [], 0, None
        for kind in self.appendices:
            if kind == "exceptions" and previous == "milestones":
                numbered.append((f"{number}a", kind))
            else:
                number += 1
                numbered.append((str(number), kind))
            previous = kind
        return numbered

    def cover_sections(self):
        """[covers.CoverSection] in the order of the organisation's cover template (reports/covers.py):
        numbered sections, their paragraphs rendered from Markdown and sanitised."""
        appendices = [
            (number, registry.spec(kind).title(self.plan, self.as_at)) for number, kind in self.numbered_appendices()
        ]
        return covers.cover_sections(self, appendices, CoverTemplate.slots_for(self.plan))

    @property
    def as_at_label(self):
        return dates.month_long_label(self.as_at)


class PackSection(models.Model):
    """A free section of a cover report (e.g. "Introduction by Cabinet Member", "Legal comments")."""

    class Placement(models.TextChoices):
        AFTER_PURPOSE = "after_purpose", "After the purpose (before the recommendations)"
        AFTER_SUMMARY = "after_summary", "After the summary"

    pack = models.ForeignKey(CommitteePack, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    slot = models.CharField(
        max_length=40,
        blank=True,
        help_text="The section of the organisation's cover template this fills (e.g. 'background'); "
        "blank: placed as below.",
    )
    placement = models.CharField(max_length=20, choices=Placement.choices, default=Placement.AFTER_SUMMARY)
    body = models.TextField(
        help_text="Markdown (**bold**, *italic*, lists, tables). Separate paragraphs with a blank line."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pack", "order", "id"]

    def __str__(self):
        return self.heading


class CoverTemplate(models.Model):
    """An organisation's cover report: a built-in layout, or its own sections (reports/covers.py)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="cover_template")
    layout = models.CharField(max_length=20, choices=covers.BUILTIN_CHOICES, default=covers.DEFAULT)
    sections = models.JSONField(
        default=list,
        blank=True,
        help_text='Its own sections, in order, instead of the layout\'s: [{"key", "heading", "series"}].',
    )

    def __str__(self):
        return f"Cover template of {self.organisation}"

    def clean(self):
        try:
            slots = [covers.Slot.from_dict(entry) for entry in self.sections or []]
        except (KeyError, TypeError, AttributeError) as error:
            raise ValidationError({"sections": f"Each section needs a key and a heading ({error})."}) from error
        if any(slot.series not in ("main", "body") for slot in slots):
            raise ValidationError({"sections": 'A section\'s series is "main" or "body".'})
        keys = [slot.key for slot in slots]
        if len(keys) != len(set(keys)):
            raise ValidationError({"sections": "Each section key appears once."})

    @classmethod
    def slots_for(cls, plan):
        """The slots of the plan's organisation's cover template (or its parent's), else the default layout."""
        owner = plan.owner
        for organisation in (owner, getattr(owner, "parent", None)):
            if organisation is not None:
                template = cls.objects.filter(organisation=organisation).first()
                if template:
                    return template.slots()
        return covers.BUILTIN[covers.DEFAULT]

    def slots(self):
        if self.sections:
            return [covers.Slot.from_dict(entry) for entry in self.sections]
        return covers.BUILTIN[self.layout]


class RenderJob(models.Model):
    """A PDF built in the background: a report, or a whole pack. The file is kept."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="render_jobs")
    kind = models.CharField(max_length=20)  # a report kind or "pack"
    pack = models.ForeignKey(CommitteePack, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    as_at = models.DateField(null=True, blank=True)
    snapshot = models.ForeignKey("Snapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.CharField(max_length=300, blank=True)
    pages = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} PDF for {self.plan} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("reports:job", args=[self.pk])

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def filename(self):
        stem = (
            f"{self.pack.meeting} {self.pack.meeting_date:%Y-%m-%d}" if self.pack else f"{self.plan.name} {self.kind}"
        )
        if self.as_at and not self.pack:
            stem += f" {self.as_at:%Y-%m}"
        return download_filename(stem, ".pdf")


class Snapshot(AppendOnlyModel):
    """The frozen state of a plan's milestones and indicators for a month. Never changed:
    a retake is a new snapshot, and the one it replaces stays, superseded."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="snapshots")
    period = models.DateField(help_text="The month reported on (first day).")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    by_schedule = models.BooleanField(default=False)
    retake_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="retaken_by")
    # The plan's status scheme when taken (milestones.schemes.StatusScheme.as_json), so the month reads as shown.
    status_scheme = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-period", "-taken_at"]

    def __str__(self):
        return f"{self.get_kind_display()} snapshot, {dates.month_long_label(self.period)}"

    @property
    def scheme(self):
        return StatusScheme.from_json(self.status_scheme)

    def get_absolute_url(self):
        return reverse("reports:snapshot", args=[self.pk])

    @property
    def taken_by_label(self):
        if self.by_schedule:
            return "the schedule"
        return (self.taken_by.get_full_name() or self.taken_by.username) if self.taken_by else "the command line"

    @property
    def is_superseded(self):
        return hasattr(self, "retaken_by")

    @property
    def period_label(self):
        return dates.month_long_label(self.period)


class SnapshotMilestone(AppendOnlyModel):
    """A milestone as it stood when the snapshot was taken."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="milestones")
    # No database constraint: the frozen row outlives any later change to the plan.
    milestone = models.ForeignKey(
        "milestones.Milestone", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    theme = models.CharField(max_length=200)
    theme_order = models.PositiveIntegerField(default=0)
    action_ref = models.CharField(max_length=20)
    action_ref_sort_key = models.CharField(max_length=120)
    action_title = models.TextField()
    action_lead = models.CharField(max_length=200)
    description = models.TextField()
    order = models.PositiveIntegerField(default=0)
    planned_start = models.DateField(null=True)
    due_date = models.DateField(null=True)
    revised_due_date = models.DateField(null=True)
    status = models.CharField(max_length=20)
    status_reason = models.TextField(blank=True)
    status_flags = models.JSONField(default=list)
    note = models.TextField(blank=True)
    note_month = models.DateField(null=True)
    lead = models.CharField(max_length=200)
    lead_agency = models.CharField(max_length=40, blank=True)
    is_overdue = models.BooleanField(default=False)
    replan_count = models.PositiveIntegerField(default=0)
    exception = models.JSONField(null=True, help_text="The latest exception record, if any.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "action_ref_sort_key", "order", "id"]


class SnapshotIndicator(AppendOnlyModel):
    """An indicator's figures, status, trend and commentary when the snapshot was taken."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="indicators")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    section = models.CharField(max_length=200)
    section_order = models.PositiveIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=20)
    figures = models.JSONField(help_text="Values, year to date, target, status, trend, commentary, chart points.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "section_order", "order", "id"]


class ImportSettings(models.Model):
    """How a plan's spreadsheet is read: the mapping of its headings to fields chosen at the last
    import, used again next month."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="import_settings")
    mapping = models.JSONField(default=dict, blank=True, help_text="The sheet's heading -> the field it fills.")
    sheet = models.CharField(max_length=100, blank=True)
    objectives_as = models.CharField(
        max_length=10, choices=[("themes", "Themes"), ("actions", "Actions")], default="themes"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "import settings"

    def __str__(self):
        return f"Import settings of {self.plan}"


class ImportJob(models.Model):
    """An upload being previewed or imported in the background. The preview's result (rows read,
    mapping, problems and flags) is kept as JSON and written on confirmation without reading the
    file again."""

    class Stage(models.TextChoices):
        PREVIEW = "preview", "Preview"
        IMPORT = "import", "Import"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Reading"
        READY = "ready", "Ready to confirm"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=32, unique=True)
    plan_name = models.CharField(max_length=200)
    owner = models.ForeignKey("plans.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    upload = models.FileField(upload_to="imports/%Y/%m/")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PREVIEW)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.CharField(max_length=300, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Mapping chosen, as-at month, sheet, objectives.")
    result = models.JSONField(null=True, blank=True, help_text="The file as read: rows, mapping, problems, flags.")
    summary = models.JSONField(null=True, blank=True, help_text="What the import does (or did).")
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import of {self.filename} into {self.plan_name} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("reports:import_preview", args=[self.token])

    @property
    def busy(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)


def _public_slug():
    import secrets

    return secrets.token_urlsafe(12)


class PackPublication(models.Model):
    """A committee pack published to the plan's public page, as at its snapshot: the PDF as built
    then, at a stable URL with a random slug. Withdrawn, its URL answers 404; nothing is deleted."""

    pack = models.ForeignKey(CommitteePack, on_delete=models.CASCADE, related_name="publications")
    slug = models.SlugField(max_length=40, unique=True, default=_public_slug, editable=False)
    snapshot = models.ForeignKey("Snapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pdf = models.FileField(upload_to="published/%Y/%m/")
    pages = models.PositiveIntegerField(default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.pack} (published {self.published_at:%d %b %Y})"

    @property
    def is_live(self):
        return self.withdrawn_at is None

    def get_absolute_url(self):
        return reverse("reports:public_pack", args=[self.slug])
