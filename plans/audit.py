"""The audit history of a record (django-simple-history): who changed what, when, old and new values."""

from dataclasses import dataclass, field


@dataclass
class AuditEntry:
    when: object
    who: str
    what: str  # Created / Changed / Deleted
    changes: list = field(default_factory=list)  # [(field label, old, new)]


KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _show(model, name, value):
    if value is None or value == "":
        return "—"
    field_ = model._meta.get_field(name)
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    return str(value)


def audit_entries(instance, limit=100):
    """Newest first, in one query whatever the length of the history."""
    history = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[: limit + 1])
    entries = []
    model = type(instance)
    for record, previous in zip(records, records[1:] + [None], strict=True):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                label = model._meta.get_field(change.field).verbose_name
                changes.append((label, _show(model, change.field, change.old), _show(model, change.field, change.new)))
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else "the system (import or data load)"
        entries.append(AuditEntry(record.history_date, who, KINDS[record.history_type], changes))
    return entries
