import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_figures_from_another_test():
    """Cached dashboard figures (dashboards/figures.py) live in Redis across tests: start each
    test without them (only this test process's keys are deleted; see tests/conftest.py)."""
    cache.clear()
    yield
