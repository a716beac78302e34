from django import template
from django.utils.html import format_html

from ..rules import PIStatus, Trend

register = template.Library()


@register.simple_tag
def pi_status_badge(status):
    """PI status as icon + word."""
    if status is None:
        return ""
    status = PIStatus(status)
    return format_html(
        '<span class="pi-status pi-{}"><span aria-hidden="true">{}</span> {}</span>',
        status.value,
        status.icon,
        status.label,
    )


@register.simple_tag
def trend_badge(trend):
    if trend is None:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    trend = Trend(trend)
    return format_html(
        '<span class="trend trend-{}"><span aria-hidden="true">{}</span> {}</span>',
        trend.value,
        trend.icon,
        trend.label,
    )


@register.simple_tag
def figure(indicator, value):
    """A value in the indicator's unit and precision ('19.2%')."""
    return indicator.format_value(value)


@register.simple_tag
def period_figure(indicator, row):
    """One period's figure: the value, or 'No data'."""
    if row is None:
        return ""
    if row.no_data or row.value is None:
        return format_html('<span class="text-body-secondary">{}</span>', "No data")
    return indicator.format_value(row.value)


@register.filter
def chart_description(svg):
    """A chart's text alternative: its <desc> (the figures it plots), for the tagged PDF and screen readers."""
    import re
    from html import unescape

    match = re.search(r"<desc>(.*?)</desc>", str(svg or ""), re.S)
    return unescape(match.group(1)) if match else ""


# About two-thirds of an A4 landscape page of commentary at 9 pt in its column.
TALL_ROW_CHARACTERS = 1800


@register.filter
def tall_row(summary):
    """Whether an indicator's printed commentary is too long to keep its row whole on a page."""
    commentary = getattr(summary, "commentary", None)
    if not commentary:
        return False
    parts = (
        commentary.get(k) if isinstance(commentary, dict) else getattr(commentary, k, "")
        for k in ("commentary", "current_activities", "best_practice")
    )
    return sum(len(p or "") for p in parts) > TALL_ROW_CHARACTERS
