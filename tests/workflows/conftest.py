import pytest

from workflows import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Test transactions roll back without signals: drop cached overrides."""
    calendar.clear_cache()
    yield
    calendar.clear_cache()
