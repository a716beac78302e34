"""Do once, before the web workers fork, what each would otherwise do on its first request.

A worker's first request used to import every view module (the URL configuration pulls in the
report, import and export code, openpyxl among it) and compile its templates: about 350 ms against
33 ms for the same page afterwards. After a deploy or a worker restart at the month-end rush that was
the slowest request of each worker. gunicorn.conf.py loads the application in the master
(`preload_app`), calls `warm()` and then freezes what it made (`gc.freeze()`), so the workers share it
copy-on-write and the garbage collector never walks it.
"""

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Collect young objects less often: a page of a few hundred rows makes tens of thousands of short-lived
# objects, and the default (700) ran a collection every few rows (about 10% of a page's CPU).
GC_THRESHOLDS = (50_000, 20, 100)


# The apps whose tables a worker's first pages read: one row of each, so that the worker's database
# backend has read their catalogue entries (and their indexes') before the first page needs them.
WARM_APPS = ("sessions", "auth", "accounts", "plans", "milestones", "indicators", "recommendations", "reports", "api")


def template_names(directory):
    root = Path(directory)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*.html")) if root.is_dir() else []


def warm() -> dict:
    """Import every view and compile every template of the project's engines and its form renderer.
    Returns how many templates were compiled and how many could not be (logged, never raised: a
    template that only fails here still fails, visibly, on the page that uses it)."""
    resolver = get_resolver()
    resolver.url_patterns  # imports every urls module and so every view  # noqa: B018
    resolver.reverse_dict  # what {% url %} and reverse() look names up in, for each namespace  # noqa: B018
    reverse_in_every_namespace(resolver)
    # What the first request would import or read: context processors, message and session storage,
    # the language's catalogue and date formats.
    for engine in engines.all():
        getattr(getattr(engine, "engine", None), "template_context_processors", None)
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")
        for name in formats.FORMAT_SETTINGS:
            formats.get_format(name)
    compiled = failed = 0
    for engine in engines.all():
        for directory in engine.template_dirs:
            for name in template_names(directory):
                try:
                    engine.get_template(name)
                    compiled += 1
                except Exception:  # noqa: BLE001 - a broken template is reported by its page, not here
                    failed += 1
                    logger.warning("Could not compile template %s while warming up", name, exc_info=True)
    renderer = get_default_renderer()
    engine = getattr(renderer, "engine", None)
    environment = getattr(engine, "env", None)
    if environment is not None:  # Jinja2 form renderer: its widget and form templates
        for name in environment.list_templates(filter_func=lambda name: name.startswith("django/forms/")):
            environment.get_template(name)
            compiled += 1
    warm_celery()
    # Nothing opened here may be shared by the forked workers.
    connections.close_all()
    return {"compiled": compiled, "failed": failed}


def warm_celery():
    """What the first "make a PDF" request of each worker did before its task could be sent (25 ms):
    register the tasks (importing their modules), find the result backend (a scan of the installed
    packages' entry points), and import what sending a task imports. Nothing is connected here."""
    import celery.events  # noqa: F401 - the task-sent event's dispatcher

    from safeguarding.celery import app

    app.loader.import_default_modules()  # each app's tasks module
    app.finalize(auto=True)
    app.backend  # noqa: B018
    app.amqp  # noqa: B018
    app.AsyncResult  # noqa: B018
    app.events  # noqa: B018


def reverse_in_every_namespace(resolver, path=""):
    """reverse() of a namespaced name builds (and caches) a resolver for the namespace's prefix and
    fills in its names; one reverse() per namespace does that here."""
    for namespace, (_, namespaced) in resolver.namespace_dict.items():
        names = [key for key in namespaced.reverse_dict if isinstance(key, str)]
        if names:
            try:
                reverse(f"{path}{namespace}:{names[0]}")
            except NoReverseMatch:
                pass  # the name needs arguments: the namespace's resolver is built all the same
        reverse_in_every_namespace(namespaced, f"{path}{namespace}:")


def connect():
    """In a freshly forked worker: open its database connection and, when PDFs go to a Celery broker,
    its connection to the broker, so that the first page and the first "make a PDF" request of each
    worker do not pay for them (a new PostgreSQL backend also reads the catalogue of each table it
    meets for the first time; the first publish to the broker took 300 ms under load)."""
    from django.apps import apps
    from django.conf import settings

    try:
        for label in WARM_APPS:
            for model in apps.get_app_config(label).get_models():
                model._base_manager.only("pk").first()
    except DatabaseError:  # a database that is down (or not migrated) is reported by the first page, not here
        logger.warning("Could not read the database while warming up", exc_info=True)
    if settings.CELERY_BROKER_URL:
        from safeguarding.celery import app

        try:
            with app.producer_or_acquire() as producer:
                producer.connection.ensure_connection(max_retries=1)
        except Exception:  # noqa: BLE001 - a broker that is down is reported by the first job, not here
            logger.warning("Could not reach the Celery broker while warming up", exc_info=True)


def freeze():
    """Keep what the master made out of every worker's garbage collections, and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
