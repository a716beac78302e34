"""The one write path for plans and the records directly inside them.

Every create or edit of a plan, theme, action, lead, version, approval or glossary term goes
through a function here, named `<entity>_<action>`. Each one, inside one transaction:

- checks the actor's object permission itself (views check too, but a service never trusts
  its caller) and raises PermissionDenied;
- runs `full_clean()`, so choices, lengths and the model's own `clean()` rules hold;
- refuses a duplicate (theme name, action ref, version label, glossary term: per plan, ignoring
  case) with a ValidationError in plain English, never an IntegrityError;
- records who made the change in the audit history.

`actor=None` means a system load (fixtures, the demo, a management command): no permission is
checked and the history names no user. Nothing reached from a web request passes None.

The helpers at the top (`permission_check`, `fields_assign`, `instance_save`) are shared with
the services of the indicators and reports apps.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from .models import Action, GlossaryTerm, Organisation, Person, Plan, PlanApproval, PlanVersion, Theme

REFUSED = "Your role in this plan does not allow that."


# --- shared helpers ---------------------------------------------------------------------------


def permission_check(actor, permission, obj, message=REFUSED):
    """Raise PermissionDenied unless `actor` holds `permission` on `obj`. None is a system load."""
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(message)


def fields_assign(instance, fields, *, fixed=()):
    """Set model fields on `instance` from `fields`; a name that is not an editable field of the
    model (or is one of `fixed`, such as the plan a record belongs to) is a programming error."""
    editable = {f.name for f in instance._meta.get_fields() if getattr(f, "editable", False) and f.concrete}
    unknown = set(fields) - (editable - set(fixed))
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field(s) {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def instance_save(instance, *, actor, duplicates=None, problems=None, clash_message=None, exclude=None):
    """Validate and save one record.

    `problems` maps a field name (or NON_FIELD_ERRORS) to a message of the caller's own rules
    (a locked month); they are reported together with full_clean's. `duplicates` maps a field
    name to the plain-English message for a clash the caller found (or None when there is none);
    it replaces Django's generic "X with this Plan and Name already
    exists". `clash_message` is what to say if the database still refuses a duplicate (two saves
    at once); it is never an IntegrityError. `exclude` names fields whose own checks full_clean
    should skip (the model's clean() checks them instead).
    """
    errors = {}
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict({})
    plain = {field: message for field, message in (duplicates or {}).items() if message}
    if plain:
        # Our own message says it better than the unique-constraint one.
        errors = {
            field: [e for e in found if getattr(e, "code", None) not in ("unique", "unique_together")]
            for field, found in errors.items()
        }
        for field, message in plain.items():
            errors.setdefault(field, []).append(ValidationError(message, code="duplicate"))
    for field, message in (problems or {}).items():
        if message:
            errors.setdefault(field, []).append(ValidationError(message))
    errors = {field: found for field, found in errors.items() if found}
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        instance._history_user = actor  # django-simple-history names the author of this change
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(clash_message or "This would duplicate an existing record.") from error
    return instance


def _clash(queryset, instance, **lookup):
    """Whether another row (not `instance`) matches the lookup."""
    matches = queryset.filter(**lookup)
    return (matches.exclude(pk=instance.pk) if instance.pk else matches).exists()


# --- plans ------------------------------------------------------------------------------------


def _plan_duplicates(plan):
    if not plan.name:
        return {}
    # Within the owning organisation only: another council's plan names are not ours to see.
    taken = _clash(Plan.objects, plan, name__iexact=plan.name.strip(), owner_id=plan.owner_id)
    return {"name": f'There is already a plan called "{plan.name.strip()}". Choose another name.' if taken else None}


def _owner_check(actor, owner):
    if actor is None:
        return
    if not isinstance(owner, Organisation):
        raise ValidationError({"owner": "Choose the organisation that owns the plan."})
    permission_check(actor, "plans.add_plan", owner, "You do not manage that organisation, so cannot give it a plan.")


@transaction.atomic
def plan_create(*, actor, owner, **fields) -> Plan:
    """A new plan owned by `owner`, which the actor must manage (organisation-wide programme manager)."""
    _owner_check(actor, owner)
    plan = fields_assign(Plan(owner=owner), {k: _strip(v) for k, v in fields.items()}, fixed=("owner",))
    return instance_save(
        plan, actor=actor, duplicates=_plan_duplicates(plan), clash_message="There is already a plan with that name."
    )


@transaction.atomic
def plan_update(*, actor, plan: Plan, **fields) -> Plan:
    """Change a plan's settings. Moving it to another owner needs the right to create plans there."""
    permission_check(actor, "plans.change_plan", plan)
    if "owner" in fields and getattr(fields["owner"], "pk", None) != plan.owner_id:
        _owner_check(actor, fields["owner"])
    fields_assign(plan, {k: _strip(v) for k, v in fields.items()})
    return instance_save(
        plan, actor=actor, duplicates=_plan_duplicates(plan), clash_message="There is already a plan with that name."
    )


# --- themes -----------------------------------------------------------------------------------


def _theme_duplicates(theme):
    if not theme.name or not theme.plan_id:
        return {}
    if _clash(Theme.objects, theme, plan_id=theme.plan_id, name__iexact=theme.name):
        return {"name": f'This plan already has a {theme.plan.group_label.lower()} called "{theme.name}".'}
    return {}


@transaction.atomic
def theme_create(*, actor, plan: Plan, **fields) -> Theme:
    permission_check(actor, "plans.change_plan", plan)
    theme = fields_assign(Theme(plan=plan), {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        theme, actor=actor, duplicates=_theme_duplicates(theme), clash_message="That name is already used in this plan."
    )


@transaction.atomic
def theme_update(*, actor, theme: Theme, **fields) -> Theme:
    permission_check(actor, "plans.change_plan", theme.plan)
    fields_assign(theme, {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        theme, actor=actor, duplicates=_theme_duplicates(theme), clash_message="That name is already used in this plan."
    )


# --- actions ----------------------------------------------------------------------------------


def _action_rules(action):
    """Duplicate ref, and a lead who is not on the plan's list of leads."""
    problems = {}
    if action.ref and action.plan_id:
        clash = Action.objects.filter(plan_id=action.plan_id, ref__iexact=action.ref.strip())
        clash = clash.exclude(pk=action.pk).first() if action.pk else clash.first()
        if clash:
            problems["ref"] = (
                f'Ref {action.ref.strip()} is already used in this plan by "{clash.title}". Choose another ref.'
            )
    if action.action_lead_id and action.plan_id:
        if not Person.objects.for_plan(action.plan).filter(pk=action.action_lead_id).exists():
            problems["action_lead"] = "Choose a lead from this plan's organisation or its partner agencies."
    return problems


@transaction.atomic
def action_create(*, actor, plan: Plan, **fields) -> Action:
    permission_check(actor, "plans.change_plan", plan)
    action = fields_assign(Action(plan=plan), {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        action, actor=actor, duplicates=_action_rules(action), clash_message="That ref is already used in this plan."
    )


@transaction.atomic
def action_update(*, actor, action: Action, expected_version=None, **fields) -> Action:
    """Edit an action. `expected_version` is the version the user opened: a save over someone
    else's newer change raises ConcurrentEdit (plans.models) rather than overwriting it."""
    permission_check(actor, "plans.change_plan", action.plan)
    if expected_version:
        action.expected_version = expected_version
    fields_assign(action, {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        action, actor=actor, duplicates=_action_rules(action), clash_message="That ref is already used in this plan."
    )


# --- people (leads) ---------------------------------------------------------------------------


def _person_rules(actor, person):
    if actor is None:
        return
    if not isinstance(person.owner, Organisation):
        raise ValidationError({"owner": "Choose the organisation whose list of leads this person is on."})
    permission_check(actor, "plans.manage_people", person.owner, "You do not manage that organisation's leads.")
    if person.user_id:
        from . import roles

        managed = roles.managed_organisations(actor)
        same_user = person.pk and Person.objects.filter(pk=person.pk, user_id=person.user_id).exists()
        if not same_user and not person.user.memberships.filter(organisation__in=managed).exists():
            raise ValidationError({"user": "Choose a login account of an organisation you manage."})


@transaction.atomic
def person_create(*, actor, owner=None, **fields) -> Person:
    """A lead on the list of `owner`; the actor must manage that organisation's leads."""
    person = fields_assign(Person(owner=owner), {k: _strip(v) for k, v in fields.items()}, fixed=("owner",))
    _person_rules(actor, person)
    return instance_save(person, actor=actor, clash_message="That login account is already another lead's.")


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    permission_check(actor, "plans.manage_people", person.owner, "You do not manage that organisation's leads.")
    fields_assign(person, {k: _strip(v) for k, v in fields.items()})
    _person_rules(actor, person)
    return instance_save(person, actor=actor, clash_message="That login account is already another lead's.")


# --- versions and approvals -------------------------------------------------------------------


def _version_duplicates(version):
    if version.label and version.plan_id:
        label = version.label.strip()
        if _clash(PlanVersion.objects, version, plan_id=version.plan_id, label__iexact=label):
            return {"label": f"Version {label} already exists for this plan."}
    return {}


@transaction.atomic
def plan_version_create(*, actor, plan: Plan, **fields) -> PlanVersion:
    permission_check(actor, "plans.change_plan", plan)
    version = fields_assign(PlanVersion(plan=plan), {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        version,
        actor=actor,
        duplicates=_version_duplicates(version),
        clash_message="That version label is already used in this plan.",
    )


@transaction.atomic
def plan_approval_create(*, actor, plan: Plan, version: PlanVersion, **fields) -> PlanApproval:
    """Record that a body approved `version`, which must be a version of `plan`."""
    permission_check(actor, "plans.change_plan", plan)
    if version is None or version.plan_id != plan.pk:
        raise ValidationError({"version": "Choose a version of this plan."})
    approval = PlanApproval(version=version)
    fields_assign(approval, {k: _strip(v) for k, v in fields.items()}, fixed=("version",))
    return instance_save(approval, actor=actor)


# --- glossary ---------------------------------------------------------------------------------


def _term_duplicates(entry):
    if entry.term and entry.plan_id:
        term = entry.term.strip()
        if _clash(GlossaryTerm.objects, entry, plan_id=entry.plan_id, term__iexact=term):
            return {"term": f'The glossary already defines "{term}". Edit that entry instead.'}
    return {}


@transaction.atomic
def glossary_term_create(*, actor, plan: Plan, **fields) -> GlossaryTerm:
    permission_check(actor, "plans.change_plan", plan)
    entry = fields_assign(GlossaryTerm(plan=plan), {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        entry, actor=actor, duplicates=_term_duplicates(entry), clash_message="The glossary already defines that term."
    )


@transaction.atomic
def glossary_term_update(*, actor, entry: GlossaryTerm, **fields) -> GlossaryTerm:
    """Change a glossary entry (`entry`, since `term` is one of its fields)."""
    permission_check(actor, "plans.change_plan", entry.plan)
    fields_assign(entry, {k: _strip(v) for k, v in fields.items()}, fixed=("plan",))
    return instance_save(
        entry, actor=actor, duplicates=_term_duplicates(entry), clash_message="The glossary already defines that term."
    )
