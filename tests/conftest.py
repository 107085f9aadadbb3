"""Settings shared by every test tier."""

import os

from hypothesis import settings

# Locally, hypothesis explores new examples each run and finds new bugs; in CI the
# examples are derived from each test, so a landing is judged on a repeatable run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
