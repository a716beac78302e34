"""On SQLite (the embedded default) concurrent writers queue instead of failing "database is locked"."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = r"""
import threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    print("journal_mode", c.fetchone()[0])
    c.execute("PRAGMA synchronous")
    print("synchronous", c.fetchone()[0])
    c.execute("CREATE TABLE counter (n integer)")
    c.execute("INSERT INTO counter VALUES (0)")
connection.close()

errors = []

def bump():
    # Read, pause (as a request does while a PDF build writes progress), then write.
    try:
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SELECT n FROM counter")
                n = c.fetchone()[0]
                time.sleep(0.2)
                c.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=bump) for _ in range(3)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as c:
    c.execute("SELECT n FROM counter")
    print("count", c.fetchone()[0])
print("errors", errors)
"""


def run(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "safeguarding.settings"})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


def test_a_sqlite_file_database_uses_wal_and_concurrent_writers_wait_their_turn(tmp_path):
    out = run(tmp_path, f"sqlite:///{tmp_path / 'plans.sqlite3'}")
    assert out["journal_mode"] == "wal"
    assert out["synchronous"] == "1"  # NORMAL
    assert out["errors"] == "[]"  # no "database is locked"
    assert out["count"] == "3"  # no lost update either


def test_sqlite_options_are_set_only_for_sqlite():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    else:
        assert "transaction_mode" not in options and "init_command" not in options


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_sqlite_timeout_comes_from_the_environment(tmp_path):
    script = "import django; django.setup(); from django.conf import settings; "
    script += "print(settings.DATABASES['default']['OPTIONS']['timeout'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "safeguarding.settings", "SQLITE_TIMEOUT": "7"})
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.stdout.strip() == "7", result.stderr
