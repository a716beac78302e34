"""settings.FORM_RENDERER is Django's Jinja2 renderer, for speed: every form page must draw
exactly the HTML it drew with Django templates."""

import re

import pytest
from django.forms.renderers import get_default_renderer

from indicators.models import Benchmark, Commentary, Indicator, IndicatorValue, IndicatorYear
from milestones.models import Milestone
from plans.models import GlossaryTerm, Person
from reports.models import CommitteePack

pytestmark = pytest.mark.django_db


def form_pages(plan):
    milestone = Milestone.objects.filter(action__plan=plan).first()
    indicator = Indicator.objects.filter(plan=plan).first()
    pack = CommitteePack.objects.filter(plan=plan).first()
    return [
        f"/plans/{plan.pk}/?due_after=2009-01-01&status=achieved&lead={milestone.lead_id}",
        f"/plans/{plan.pk}/dashboard/?status=not_on_track",
        f"/milestones/{milestone.pk}/update/",
        f"/milestones/{milestone.pk}/exception/",
        f"/milestones/{milestone.pk}/edit/",
        f"/actions/{milestone.action_id}/milestones/new/",
        f"/actions/{milestone.action_id}/edit/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/themes/new/",
        f"/plans/{plan.pk}/versions/new/",
        f"/plans/{plan.pk}/approvals/new/",
        f"/glossary/{GlossaryTerm.objects.filter(plan=plan).first().pk}/edit/",
        f"/people/{Person.objects.first().pk}/edit/",
        "/plans/import/",
        f"/plans/{plan.pk}/snapshots/",
        f"/plans/{plan.pk}/packs/new/",
        f"/packs/{pack.pk}/edit/",
        f"/packs/{pack.pk}/sections/new/",
        f"/plans/{plan.pk}/indicators/new/",
        f"/indicators/{indicator.pk}/edit/",
        f"/indicator-values/{IndicatorValue.objects.filter(indicator__plan=plan).first().pk}/edit/",
        f"/indicator-years/{IndicatorYear.objects.filter(indicator__plan=plan).first().pk}/edit/",
        f"/benchmarks/{Benchmark.objects.filter(indicator__plan=plan).first().pk}/edit/",
        f"/commentaries/{Commentary.objects.filter(indicator__plan=plan).first().pk}/edit/",
    ]


def test_every_form_page_draws_the_same_html_with_the_jinja2_renderer(client, users, demo, settings):
    client.force_login(users["programme_manager"])
    pages = form_pages(demo)
    drawn = {}
    for renderer in ["django.forms.renderers.DjangoTemplates", "django.forms.renderers.Jinja2"]:
        settings.FORM_RENDERER = renderer
        get_default_renderer.cache_clear()
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
            html = re.sub(r"Figures calculated at [^.]*", "", html)
            # Jinja2 (markupsafe) writes ' and " as &#39; and &#34;, Django as &#x27; and &quot;: the same characters.
            html = html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
            drawn.setdefault(url, []).append(re.sub(r"\s+", " ", html))
    get_default_renderer.cache_clear()
    for url, (django_html, jinja2_html) in drawn.items():
        assert "<form" in jinja2_html, url
        assert django_html == jinja2_html, url
