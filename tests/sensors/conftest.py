import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from simple_flight import oct2022_like  # noqa: E402

EPOCH = datetime(2022, 10, 3, 22, 22, tzinfo=UTC)


@pytest.fixture(scope="session")
def oct2022():
    return oct2022_like()


@pytest.fixture
def epoch():
    return EPOCH
