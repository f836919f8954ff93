"""The test package. Under pytest-xdist every worker first takes its own database and Redis database
(tests/workers.py): this runs before tests/conftest.py imports the app and its settings."""

from tests.workers import use_own_services

use_own_services()
