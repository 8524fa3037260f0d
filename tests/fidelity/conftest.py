import pytest

from tests.fidelity.factories import ensure_scales


@pytest.fixture
def fidelity_scales(world):
    """Scales present even after a transactional test flushed the data migration's rows."""
    ensure_scales()
