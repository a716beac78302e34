"""Test settings: the production settings with a fast password hasher and the real clock."""

from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PLAN_TODAY = None
DASHBOARD_CACHE_SECONDS = 0  # tests change data and read the dashboard straight after
REPORT_JOB_RUNNER = "inline"  # run on commit in the test's own thread
