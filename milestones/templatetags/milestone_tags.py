import datetime
import functools

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from safeguarding import dates

from ..status import Status

register = template.Library()


@register.simple_tag
def status_badge(status):
    """Status as icon + word (never colour alone)."""
    status = Status(status or Status.NOT_STARTED)
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status.value,
        status.icon,
        status.label,
    )


OVERDUE_BADGE = format_html(
    '<span class="status status-overdue"><span aria-hidden="true">{}</span> Overdue</span>', "⚠"
)


@register.simple_tag
def overdue_badge():
    return OVERDUE_BADGE


def _day(value):
    # As the date filter's "d M Y" prints it in English, for a fraction of the cost.
    return value.strftime("%d %b %Y") if value else ""


@functools.cache
def _url_pattern(name):
    """A URL with one pk, as a format string: reverse() once, not once a row."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


@register.simple_tag
def milestone_cells(m):
    """A milestone's cells in the plan and My milestones tables: description, planned start, due
    date, status, progress note. Built here rather than in an included template because long plan
    pages repeat them hundreds of times (as the admin builds its change-list rows)."""
    due = (
        format_html(
            '{}<br><span class="small text-body-secondary">was {}</span>', _day(m.revised_due_date), _day(m.due_date)
        )
        if m.revised_due_date
        else _day(m.due_date)
    )
    overdue = format_html("<br>{}", OVERDUE_BADGE) if m.is_overdue else ""
    flags = format_html_join(
        "",
        '<div class="small text-danger-emphasis mt-1">{}</div>',
        ((f,) for f in m.status_flags()),
    )
    reason = (
        format_html('<div class="small fst-italic mt-1">Status kept by the lead: {}</div>', m.current_status_reason)
        if m.current_status_reason
        else ""
    )
    returned = (
        format_html(
            '<div class="small text-danger-emphasis mt-1"><strong>Returned:</strong> {}</div>', m.review_comment
        )
        if getattr(m, "review_decision", None) == "returned"
        else ""
    )
    # Every note is shown with the month it reports on.
    note = (
        format_html(
            '<span class="note-month small text-body-secondary d-block">{}</span>{}',
            note_month_label(getattr(m, "current_month", None)),
            m.current_note,
        )
        if m.current_note
        else ""
    )
    return format_html(
        '<td><a href="{}">{}</a></td>\n<td class="text-nowrap" data-label="Planned start">{}</td>\n'
        '<td class="text-nowrap" data-label="Due">{}</td>\n'
        '<td>{}{}{}</td>\n<td class="note">{}{}{}</td>',
        _url_pattern("milestones:detail").format(m.pk),
        m.description,
        _day(m.planned_start),
        due,
        status_badge(m.current_status),
        overdue,
        flags,
        note,
        reason,
        returned,
    )


def note_month_label(value):
    """'Reported for Oct 2009' (or that no month is recorded)."""
    return f"Reported for {dates.month_label(value)}" if value else "Reporting month not recorded"


@register.filter
def record_date(value):
    """A revised completion date as an exception record gives it: a month-end date as the month
    ("Nov 2009", as the council writes "Nov-09"), any other day in full ("16 Nov 2009")."""
    if not value:
        return ""
    if (value + datetime.timedelta(days=1)).day == 1:
        return value.strftime("%b %Y")
    return value.strftime("%d %b %Y")


@register.filter
def month(value):
    """A reporting month as 'Oct 2009'."""
    return dates.month_label(value)


@register.filter
def updatable_by(milestone, user):
    return milestone.can_be_updated_by(user)


@register.filter
def get_count(counter, key):
    return counter.get(key, 0) if counter else 0


@register.filter
def status_text(status):
    """Icon and word as plain text, for long printed tables (cheaper to lay out than a badge)."""
    status = Status(status or Status.NOT_STARTED)
    return f"{status.icon} {status.label}"
