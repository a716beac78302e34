from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def overdue_badge():
    # A constant string: nothing from a user.
    return mark_safe('<span class="status status-overdue"><span aria-hidden="true">⚠</span> Overdue</span>')  # nosec B308


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
