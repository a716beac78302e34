"""gunicorn.conf.py warms the application in the master before the workers fork."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

from django.template import engines

from safeguarding import warmup


def cached_template_names():
    loader = engines["django"].engine.template_loaders[0]  # the cached loader
    return {key.split("-")[0] for key in loader.get_template_cache}


def test_warm_compiles_every_template_and_closes_connections(db, monkeypatch):
    engines["django"].engine.template_loaders[0].reset()
    assert "milestones/plan_page.html" not in cached_template_names()
    closed = []
    monkeypatch.setattr(warmup.connections, "close_all", lambda: closed.append(True))
    result = warmup.warm()
    assert result["failed"] == 0
    assert result["compiled"] >= 200  # the project's pages, partials and Django's form widgets
    assert {"milestones/plan_page.html", "reports/report_page.html", "base.html"} <= cached_template_names()
    assert closed  # nothing opened for the forked workers to share


def test_gunicorn_config_preloads_warms_and_freezes(monkeypatch):
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert config["keepalive"] == 10
    called = []
    monkeypatch.setattr(warmup, "warm", lambda: called.append("warm") or {"compiled": 1, "failed": 0})
    monkeypatch.setattr(warmup, "freeze", lambda: called.append("freeze"))
    logged = []
    config["when_ready"](SimpleNamespace(log=SimpleNamespace(info=lambda *args: logged.append(args))))
    assert called == ["warm", "freeze"]
    assert "templates compiled" in logged[0][0]


def test_freeze_raises_the_collection_threshold():
    before = gc.get_threshold()
    try:
        warmup.freeze()
        assert gc.get_threshold() == warmup.GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_connect_reads_each_table_once_and_survives_a_broker_that_is_down(db, settings, caplog, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CELERY_BROKER_URL = ""
    with CaptureQueriesContext(connection) as queries:
        warmup.connect()
    tables = {query["sql"].split('FROM "')[1].split('"')[0] for query in queries}
    assert {"milestones_milestone", "milestones_progressupdate", "plans_plan", "plans_action"} <= tables
    assert {"django_session", "indicators_indicatorvalue", "reports_snapshot", "api_apitoken"} <= tables

    from safeguarding.celery import app

    def broker_down():
        raise ConnectionRefusedError("broker down")

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(app, "producer_or_acquire", broker_down)
    warmup.connect()  # logs, never raises: the first job reports a broker that is down
    assert "Could not reach the Celery broker" in caplog.text


def test_warm_fills_the_url_names_of_every_namespace():
    from django.urls import get_resolver

    warmup.warm()
    resolver = get_resolver()
    for _, namespaced in resolver.namespace_dict.values():
        assert "reverse_dict" in vars(namespaced) or namespaced._populated


def test_after_warming_a_workers_first_request_builds_no_resolver_and_imports_nothing(monkeypatch):
    """A namespaced reverse() builds a resolver for the namespace's prefix on first use; context
    processors, message storage and the language's formats are imported on first use too."""
    import sys

    from django.urls import clear_url_caches, resolvers, reverse
    from django.utils import formats

    clear_url_caches()
    formats._format_cache.clear()
    warmup.warm()
    populated = []
    original = resolvers.URLResolver._populate
    monkeypatch.setattr(resolvers.URLResolver, "_populate", lambda self: populated.append(self) or original(self))
    reverse("milestones:update", args=[1])
    reverse("plans:about", args=[1])
    reverse("reports:dashboard", args=[1])
    reverse("api:tokens")  # under a prefix: its own resolver
    assert populated == []
    assert "plans.context_processors" in sys.modules
    assert "django.contrib.messages.storage.fallback" in sys.modules
    assert any(key[0] == "DATE_INPUT_FORMATS" for key in formats._format_cache)


def test_warm_readies_celery_to_send_a_task_without_connecting():
    import sys

    from safeguarding.celery import app

    warmup.warm()
    assert app.finalized and "reports.tasks.render_job_run" in app.tasks
    assert "reports.tasks" in sys.modules and "celery.events.dispatcher" in sys.modules
    assert hasattr(app._local, "backend")  # found (an entry-point scan) before the fork, not at the first PDF


def test_connect_survives_a_database_that_is_down(db, caplog, monkeypatch):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    def down(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(QuerySet, "first", down)
    warmup.connect()  # logs, never raises: a worker that cannot warm up still starts
    assert "Could not read the database" in caplog.text
