"""Writes that touch milestones and their progress history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans import roles
from plans.models import Action, GlossaryTerm, LockedMonth, Organisation, Person, Plan, PlanApproval, PlanVersion, Theme
from plans.services import fields_assign, instance_save, permission_check
from safeguarding import dates

from .models import Milestone, ProgressUpdate, SlippageRecord, UpdateReview
from .status import Status


@transaction.atomic
def progress_update_create(
    *, milestone: Milestone, author, reporting_month, status, note="", status_reason=""
) -> ProgressUpdate:
    """Append (submit) a progress update. Refuses users who may not update this milestone."""
    if not milestone.can_be_updated_by(author):
        raise PermissionDenied("You can only update milestones you lead, or whose action you lead.")
    scheme = milestone.action.plan.scheme
    if status in Status.values and status not in scheme.offered:
        raise ValidationError(
            {"status": "Choose one of this plan's statuses: " + ", ".join(e.label for e in scheme.statuses) + "."}
        )
    update = ProgressUpdate(
        milestone=milestone,
        source=ProgressUpdate.Source.SUBMITTED,
        author=author,
        reporting_month=reporting_month,
        status=status,
        note=note.strip(),
        status_reason=status_reason.strip(),
    )
    update.full_clean()
    update.save()
    return update


def _lead_rules(milestone):
    """The lead must be on the list of the plan's organisation (or of a partner agency)."""
    lead = milestone.lead if milestone.lead_id else None
    if lead is not None and not Person.objects.for_plan(milestone.action.plan).filter(pk=lead.pk).exists():
        return {"lead": "Choose a lead from this plan's organisation or its partner agencies."}
    return {}


def _supporting_rules(milestone, supporting):
    """Supporting leads (people, teams or boards) come from the same list as the lead."""
    if supporting is None:
        return {}
    ids = {p.pk for p in supporting}
    allowed = set(Person.objects.for_plan(milestone.action.plan).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - allowed:
        return {"supporting_leads": "Choose supporting leads from this plan's organisation or its partner agencies."}
    return {}


@transaction.atomic
def milestone_create(*, actor, action: Action, **fields) -> Milestone:
    """Add a milestone to an action (the plan's programme manager; actor None is a system load)."""
    permission_check(actor, "plans.change_plan", action.plan)
    supporting = fields.pop("supporting_leads", None)
    milestone = fields_assign(Milestone(action=action), fields, fixed=("action",))
    problems = {**_lead_rules(milestone), **_supporting_rules(milestone, supporting)}
    instance_save(milestone, actor=actor, problems=problems)
    if supporting is not None:
        milestone.supporting_leads.set(supporting)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, expected_version=None, **fields) -> Milestone:
    """Edit a milestone. Its original due date, once set, is evidence and never changes (a re-plan
    is an exception record with a revised date); a save over someone else's newer change raises
    ConcurrentEdit."""
    permission_check(actor, "plans.change_plan", milestone.action.plan)
    problems = {}
    if milestone.due_date and "due_date" in fields and fields["due_date"] != milestone.due_date:
        problems["due_date"] = (
            "The original due date cannot be changed once set; record an exception with a revised completion date."
        )
        fields.pop("due_date")
    if expected_version:
        milestone.expected_version = expected_version
    supporting = fields.pop("supporting_leads", None)
    fields_assign(milestone, fields, fixed=("action",))
    problems = {**problems, **_lead_rules(milestone), **_supporting_rules(milestone, supporting)}
    instance_save(milestone, actor=actor, problems=problems)
    if supporting is not None:
        milestone.supporting_leads.set(supporting)
    return milestone


@transaction.atomic
def progress_update_record(
    *, milestone: Milestone, reporting_month, status, note="", source, brought_in_by=None, recorded_at=None
) -> ProgressUpdate:
    """Record an update that was not submitted in the app: imported from a spreadsheet, or loaded from
    an earlier report. The same rules as a submitted one (locked and future months, lengths, choices);
    `brought_in_by` must be the plan's programme manager (None: a system load). Never goes to sign-off."""
    if source == ProgressUpdate.Source.SUBMITTED:
        raise ValueError("A submitted update is made by progress_update_create.")
    permission_check(brought_in_by, "plans.change_plan", milestone.action.plan)
    update = ProgressUpdate(
        milestone=milestone,
        reporting_month=reporting_month,
        status=status,
        note=(note or "").strip(),
        source=source,
        brought_in_by=brought_in_by,
    )
    if recorded_at:
        update.created_at = recorded_at
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def update_review_create(*, update: ProgressUpdate, reviewer, decision, comment="") -> UpdateReview:
    """Sign off or return a submitted update. Recorded in the milestone's history; never changed."""
    milestone = update.milestone
    if not milestone.can_review_updates(reviewer):
        raise PermissionDenied("Only the action lead or the programme manager can sign off or return an update.")
    manages_plan = roles.PROGRAMME_MANAGER in roles.plan_roles(reviewer, milestone.action.plan)
    if update.author_id == reviewer.pk and not manages_plan:
        raise PermissionDenied("An update is signed off by someone other than its author.")
    if update.source != ProgressUpdate.Source.SUBMITTED:
        raise ValidationError(
            f"This update was {update.get_source_display().lower()}: only updates submitted in the app are signed off."
        )
    lock = LockedMonth.objects.filter(plan_id=milestone.action.plan_id, month=update.reporting_month).first()
    if lock:
        raise ValidationError(f"{update.month_label} is locked: {lock.reason}")
    if update.reviews.exists():
        raise ValidationError(f"This update has already been {update.review_state().get_decision_display().lower()}.")
    review = UpdateReview(update=update, reviewer=reviewer, decision=decision, comment=comment.strip())
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def slippage_record_create(*, milestone: Milestone, author, recorded_at=None, **fields) -> SlippageRecord:
    """Record why a milestone slipped. A revised completion date re-plans the milestone:
    its revised due date changes, the original due date never does, and the record
    keeps the date it replaced."""
    if author is not None and not milestone.can_be_updated_by(author):
        raise PermissionDenied("You can only record exceptions for milestones you lead, or whose action you lead.")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    record = SlippageRecord(milestone=milestone, author=author, **fields)
    if recorded_at:
        record.created_at = recorded_at
    record.full_clean()
    revised = record.revised_completion_date
    if revised and revised != milestone.effective_due_date:
        record.replaced_due_date = milestone.effective_due_date
        record.replanned = True
        milestone.revised_due_date = revised
        milestone.save(update_fields=["revised_due_date"])
    record.save()
    return record


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def plan_document_load(document: dict) -> Plan:
    """Create a plan from a plan document (the JSON shape of fixtures/haringey_oct2009.json).

    Loading the same document again changes nothing: records are matched by plan
    name, theme name, person name, action ref and milestone description and dates.
    """
    spec = document["plan"]
    # Updates taken from a printed report are dated as of that report, not of loading.
    generated_on = _date(document.get("generated_on"))
    recorded_at = dates.moment(generated_on) if generated_on else timezone.now()
    owner, _ = Organisation.objects.get_or_create(name=spec.get("owner") or spec.get("organisation") or spec["name"])
    plan, _ = Plan.objects.update_or_create(
        name=spec["name"],
        defaults={
            "owner": owner,
            "organisation": spec.get("organisation", ""),
            "purpose": spec.get("purpose", ""),
            "period_start": _date(spec.get("period_start")),
            "period_end": _date(spec.get("period_end")),
            "group_label": spec.get("group_label", Plan.GroupLabel.THEME),
            "status_scheme": spec.get("status_scheme", "four"),
        },
    )
    versions = {}
    for item in spec.get("versions", []):
        versions[item["label"]], _ = PlanVersion.objects.get_or_create(
            plan=plan, label=item["label"], defaults={"date": _date(item["date"]), "change": item.get("change", "")}
        )
    for item in spec.get("approvals", []):
        PlanApproval.objects.get_or_create(
            version=versions[item["version"]], body=item["body"], date=_date(item["date"])
        )
    for item in document.get("glossary", []):
        GlossaryTerm.objects.get_or_create(plan=plan, term=item["term"], defaults={"definition": item["definition"]})
    themes = {}
    for order, name in enumerate(document.get("themes", []), start=1):
        themes[name], _ = Theme.objects.get_or_create(plan=plan, name=name, defaults={"order": order})
    people = {}
    for item in document.get("people", []):
        person = Person.objects.for_plan(plan).filter(name__iexact=item["name"]).first()
        if person is None:
            person = Person.objects.create(
                owner=plan.owner,
                name=item["name"],
                job_title=item.get("job_title", ""),
                agency=item.get("agency") or Person.Agency.OTHER,
                organisation=item.get("organisation", ""),
                email=item.get("email", ""),
            )
        people[item["name"]] = person
    for item in document.get("actions", []):
        action, _ = Action.objects.update_or_create(
            plan=plan,
            ref=item["ref"],
            defaults={
                "title": item["title"],
                "theme": themes[item["theme"]],
                "action_lead": people[item["action_lead"]],
                "expected_outcome": item.get("expected_outcome", ""),
                "sources": "\n".join(item.get("sources", [])),
            },
        )
        for order, spec_m in enumerate(item.get("milestones", []), start=1):
            # A report can print the same description twice (seed 2.09): dates tell them apart.
            milestone, _ = Milestone.objects.get_or_create(
                action=action,
                description=spec_m["description"],
                planned_start=_date(spec_m.get("planned_start")),
                due_date=_date(spec_m.get("due")),
                defaults={"lead": people[spec_m["lead"]], "order": order},
            )
            known = set(milestone.updates.values_list("reporting_month", "status", "note"))
            for update in spec_m.get("updates", []):
                month = _date(update["month"] + "-01")
                if (month, update["status"], update["note"]) not in known:
                    progress_update_record(
                        milestone=milestone,
                        source=ProgressUpdate.Source.LOADED,
                        reporting_month=month,
                        status=update["status"],
                        note=update["note"],
                        recorded_at=recorded_at,
                    )
    return plan


@transaction.atomic
def slippage_document_load(plan: Plan, rows: list[dict], recorded_on=None) -> int:
    """Load exception-report rows (fixtures/haringey_oct2009_exceptions.json) as exception records.

    Rows match milestones by action ref and description; a row already loaded is skipped.
    Returns the number of records created.
    """
    recorded_at = dates.moment(recorded_on) if recorded_on else None
    created = 0
    for row in rows:
        milestone = Milestone.objects.get(
            action__plan=plan, action__ref=row["action_ref"], description=row["milestone"]
        )
        if milestone.slippage_records.filter(reason_for_slippage=row["reason_for_slippage"]).exists():
            continue
        slippage_record_create(
            milestone=milestone,
            author=None,
            recorded_at=recorded_at,
            reason_for_slippage=row["reason_for_slippage"],
            actions_to_achieve=row.get("actions_to_achieve", ""),
            support_required=row.get("support_required", ""),
            revised_completion_date=_date(row.get("revised_completion")),
            other_milestones_impacted=row.get("other_milestones_impacted", ""),
        )
        created += 1
    return created


# --- many at once (imports) -------------------------------------------------------------------
# The same rules as milestone_create and progress_update_record, read once per plan instead of once
# per record: permission on the plan, full_clean (lengths, choices, dates, the model's clean():
# future and locked months), the lead from the plan's organisation. Foreign keys are checked against
# the plan's own rows rather than by a query each, and check constraints are left to the database
# (they are CheckConstraints there too). A refusal names the record: `error.index` is its position.


def _refuse_at(index, error):
    error.index = index
    raise error


@transaction.atomic
def milestone_create_many(*, actor, plan: Plan, milestones: list, supporting_leads=None) -> list:
    """Save new milestones (unsaved Milestone objects) of one plan's actions; supporting_leads, if given,
    is a list of people per milestone."""
    permission_check(actor, "plans.change_plan", plan)
    leads = set(Person.objects.for_plan(plan).values_list("pk", flat=True))
    actions = set(Action.objects.filter(plan=plan).values_list("pk", flat=True))
    for index, milestone in enumerate(milestones):
        if milestone.action_id not in actions:
            _refuse_at(index, ValidationError({"action": "Choose an action of this plan."}))
        try:
            milestone.full_clean(exclude=["action", "lead"], validate_constraints=False)
        except ValidationError as error:
            _refuse_at(index, error)
        if milestone.lead_id not in leads:
            _refuse_at(
                index, ValidationError({"lead": "Choose a lead from this plan's organisation or its partner agencies."})
            )
        if supporting_leads and any(person.pk not in leads for person in supporting_leads[index]):
            _refuse_at(
                index,
                ValidationError(
                    {"supporting_leads": "Choose supporting leads from this plan's organisation or its partners."}
                ),
            )
    for milestone in milestones:
        if actor is not None:
            milestone._history_user = actor
        milestone.save()
    if supporting_leads:
        through = Milestone.supporting_leads.through
        through.objects.bulk_create(
            through(milestone_id=milestone.pk, person_id=person.pk)
            for milestone, people in zip(milestones, supporting_leads, strict=True)
            for person in people
        )
    return milestones


@transaction.atomic
def progress_update_record_many(*, plan: Plan, updates: list, source, brought_in_by=None, recorded_at=None) -> list:
    """Record many imported or loaded updates (unsaved ProgressUpdate objects) of one plan's milestones."""
    if source == ProgressUpdate.Source.SUBMITTED:
        raise ValueError("A submitted update is made by progress_update_create.")
    permission_check(brought_in_by, "plans.change_plan", plan)
    milestones = set(Milestone.objects.filter(action__plan=plan).values_list("pk", flat=True))
    for index, update in enumerate(updates):
        if update.milestone_id not in milestones:
            _refuse_at(index, ValidationError({"milestone": "Choose a milestone of this plan."}))
        update.source, update.brought_in_by = source, brought_in_by
        update.note = (update.note or "").strip()
        if recorded_at:
            update.created_at = recorded_at
        try:
            update.full_clean(exclude=["milestone", "brought_in_by", "author"], validate_constraints=False)
        except ValidationError as error:
            _refuse_at(index, error)
        update.reporting_month = update.reporting_month.replace(day=1)
    created = ProgressUpdate.objects.bulk_create(updates, batch_size=500)
    # bulk_create skips ProgressUpdate.save(): bring the milestones' stored current state up to date here.
    ids = sorted({update.milestone_id for update in created})
    for start in range(0, len(ids), 500):
        Milestone.objects.filter(pk__in=ids[start : start + 500]).refresh_reported()
    return created


# --- evidence ---------------------------------------------------------------------------------

# Extension -> (content type stored, how the file's first bytes must begin; None: plain text).
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", None),
}


def evidence_file_problem(upload) -> tuple[str | None, str]:
    """(why the file is refused or None, the content type to store). The extension must be allowed,
    the size within EVIDENCE_MAX_BYTES, and the first bytes must match the extension (a renamed
    program is refused, whatever content type the browser claimed)."""
    from django.conf import settings

    limit = settings.EVIDENCE_MAX_BYTES
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted({e for e in EVIDENCE_TYPES if e != "jpeg"}))
        return f"Files of that type cannot be added: use {allowed}.", ""
    if upload.size > limit:
        return f"The file is {upload.size / 1_048_576:.1f} MB: the limit is {limit / 1_048_576:.0f} MB.", ""
    if upload.size == 0:
        return "The file is empty.", ""
    content_type, signatures = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            try:
                head[:-4].decode("utf-8")  # a character cut at the end of the sample
            except UnicodeDecodeError:
                return "That is not a plain text file.", ""
        if b"\x00" in head:
            return "That is not a plain text file.", ""
    elif not head.startswith(signatures):
        return f"The file's content is not a .{extension} file.", ""
    return None, content_type


@transaction.atomic
def evidence_add(*, actor, update: ProgressUpdate, title, file=None, url=""):
    """Attach a file or a link to a progress update (those who may update the milestone)."""
    from .models import Evidence

    if not update.milestone.can_be_updated_by(actor):
        raise PermissionDenied("Only those who may update this milestone can add evidence.")
    url = (url or "").strip()
    if bool(file) == bool(url):
        raise ValidationError("Add either a file or a link (one at a time).")
    evidence = Evidence(update=update, title=(title or "").strip(), url=url, added_by=actor)
    if file:
        problem, content_type = evidence_file_problem(file)
        if problem:
            raise ValidationError({"file": problem})
        evidence.file = file
        evidence.content_type = content_type
        evidence.size = file.size
    evidence.full_clean()
    evidence.save()
    return evidence


def evidence_download_record(*, evidence, user):
    from .models import EvidenceDownload

    return EvidenceDownload.objects.create(evidence=evidence, user=user)
