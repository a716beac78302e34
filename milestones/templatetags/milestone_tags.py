import datetime
import functools
import html

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from safeguarding import dates

from ..schemes import DEFAULT_SCHEME
from ..status import Status

register = template.Library()

_escape = html.escape  # what django.utils.html.escape calls


def format_html(template, *args):
    """django.utils.html.format_html for the table rows built below, without its support for lazy
    strings and keyword arguments (these rows pass neither): every argument is escaped unless it is
    already safe HTML, exactly as there, at a third of the cost (a plan page builds thousands)."""
    escaped = [a.__html__() if hasattr(a, "__html__") else _escape(str(a)) for a in args]
    # Safe: every argument is escaped above, as format_html does.
    return SafeString(template.format(*escaped))  # nosec B703


def format_html_join(sep, template, args_generator):
    return SafeString(sep.join(format_html(template, *args) for args in args_generator))  # nosec B703


def context_scheme(context):
    """The status scheme of the page: the report's (as shown when its snapshot was taken), else the
    plan's being looked at (status_scheme, from the context processor), else the milestone report's four."""
    for name in ("report", "board"):
        header = getattr(context.get(name), "header", None)
        if header is not None and hasattr(header, "scheme"):
            return header.scheme
    scheme = context.get("status_scheme")
    if scheme is not None:
        return scheme
    plan = context.get("plan")
    return getattr(plan, "scheme", None) or DEFAULT_SCHEME


def _value(status):
    return getattr(status, "value", status) or Status.NOT_STARTED


def badge(status, scheme=DEFAULT_SCHEME):
    """Status as icon + word in the plan's scheme (never colour alone)."""
    entry = scheme.get(_value(status))
    return format_html(
        '<span class="{}"><span aria-hidden="true">{}</span> {}</span>', entry.css, entry.icon, entry.label
    )


@register.simple_tag(takes_context=True)
def status_badge(context, status, scheme=None):
    return badge(status, scheme or context_scheme(context))


@register.simple_tag(takes_context=True)
def status_text(context, status, scheme=None):
    """Icon and word as plain text, for long printed tables (cheaper to lay out than a badge)."""
    return (scheme or context_scheme(context)).text(_value(status))


@register.simple_tag(takes_context=True)
def status_colour(context, status, scheme=None):
    """The class that colours a printed status cell in the plan's scheme."""
    return f"st-c-{(scheme or context_scheme(context)).get(_value(status)).colour}"


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
        badge(m.current_status, m.action.plan.scheme),
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
    return counter.get(_value(key), 0) if counter else 0


def _note(value):
    return conditional_escape(value) if value else ""


@register.simple_tag(takes_context=True)
def exception_rows(context, rows):
    """The exception report's rows. Built here, as milestone_cells is, because the report runs to
    hundreds of rows (one tag for all of them: the page's scheme is looked up once); the markup is
    the template's (reports/partials/exceptions.html) as it was."""
    scheme = context_scheme(context)
    return format_html_join("\n    ", "<tr>\n      {}\n    </tr>", ((exception_cells(row, scheme),) for row in rows))


def exception_cells(row, scheme):
    milestone, record = row.milestone, row.record
    reasons = []
    for reason in row.reasons:
        if reason == "Overdue":
            reasons.append(OVERDUE_BADGE)
        elif reason == "Not on track":
            reasons.append(badge("not_on_track", scheme))
        else:
            reasons.append(
                format_html('{}<br><span class="small">open exception</span>', badge(milestone.current_status, scheme))
            )
    if record:
        record_cells = format_html(
            '<td class="note">{}</td>\n      <td class="note">{}</td>\n      <td class="note">{}</td>',
            record.reason_for_slippage or "—",
            _note(record.actions_to_achieve),
            _note(record.support_required),
        )
    else:
        record_cells = format_html('<td colspan="3" class="small">{}</td>', "No exception recorded yet.")
    replans = milestone.replan_count
    return format_html(
        '<td>{}</td>\n      <td>{}<br><span class="small">Lead: {}</span></td>\n      <td>{}</td>\n      {}\n'
        '      <td>{}<br><span class="small">original due {}; re-planned {} time{}</span></td>\n'
        '      <td class="note">{}</td>',
        milestone.action.ref,
        milestone.description,
        milestone.lead,
        format_html("<br>".join(["{}"] * len(reasons)), *reasons),
        record_cells,
        record_date(row.revised_date) or "—",
        _day(milestone.due_date) or "not set",
        replans,
        "" if replans == 1 else "s",
        _note(record.other_milestones_impacted) if record else "",
    )


def _words(text, count):
    """Truncator(text).words(count, truncate=" …"), the truncatewords filter's call, without its lazy
    wrapper (two calls a row; tests/milestones/test_table_cells.py compares the two)."""
    words = str(text).split()
    if len(words) <= count:
        return " ".join(words)
    shortened = " ".join(words[:count])
    return shortened if shortened.endswith(" …") else f"{shortened} …"


def _update_link(m, css):
    return format_html(
        '<a class="btn btn-sm {}" href="{}">Update<span class="visually-hidden"> progress on {}</span></a>',
        css,
        _url_pattern("milestones:update").format(m.pk),
        _words(m.description, 6),
    )


def _action_cells(action, rowspan, can_edit_plan):
    span = format_html(' rowspan="{}"', rowspan) if rowspan > 1 else ""
    edit = (
        format_html(
            '<div class="no-print small mt-1"><a href="{}">Edit action<span class="visually-hidden"> {}</span></a>'
            ' · <a href="{}">Add milestone<span class="visually-hidden"> to {}</span></a></div>',
            _url_pattern("plans:action_edit").format(action.pk),
            action.ref,
            _url_pattern("milestones:create").format(action.pk),
            action.ref,
        )
        if can_edit_plan
        else ""
    )
    return format_html(
        '<th scope="row"{} class="action-cell fw-normal" id="action-{}"><strong>{}</strong> {}\n  {}</th>\n'
        '<td{} class="action-cell">{}</td>',
        span,
        action.pk,
        action.ref,
        action.title,
        edit,
        span,
        action.action_lead,
    )


@register.simple_tag(takes_context=True)
def plan_action_rows(context, row):
    """An action's rows in the plan page's table: the action's cells spanning its milestones, each
    milestone's cells and its lead with the Update button for those who may update it. Built here,
    as milestone_cells is, because a page of the plan runs to hundreds of rows."""
    can_edit_plan, user = context.get("can_edit_plan"), context.get("user")
    if not row.milestones:
        return format_html(
            '<tr>{}<td colspan="6" class="text-body-secondary">No milestones yet.</td></tr>\n',
            _action_cells(row.action, 1, can_edit_plan),
        )
    rows = []
    for number, m in enumerate(row.milestones):
        update = (
            format_html('<div class="no-print">{}</div>', _update_link(m, "btn-outline-primary mt-1"))
            if m.can_be_updated_by(user)
            else ""
        )
        rows.append(
            format_html(
                "<tr>\n{}\n{}\n<td>{}{}</td>\n</tr>\n",
                _action_cells(row.action, len(row.milestones), can_edit_plan) if number == 0 else "",
                milestone_cells(m),
                m.lead,
                update,
            )
        )
    return format_html_join("", "{}", ((r,) for r in rows))


@register.simple_tag
def my_milestone_row(m):
    """A row of My milestones (see plan_action_rows)."""
    return format_html(
        "<tr>\n<td><strong>{}</strong> {}</td>\n{}\n<td>{}</td>\n</tr>\n",
        m.action.ref,
        _words(m.action.title, 10),
        milestone_cells(m),
        _update_link(m, "btn-primary"),
    )
