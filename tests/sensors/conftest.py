import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from simple_flight import EPOCH, oct2022_like  # noqa: E402


@pytest.fixture(scope="session")
def oct2022():
    return oct2022_like()


@pytest.fixture
def epoch():
    return EPOCH
