"""Shared pytest set-up: import paths for the collection and the emulator.

pytest runs from the repository root, but module code imports itself as
``ansible_collections.multicloud.images``; a symlink farm outside the tree gives it that path
without a link loop inside the repository.
"""

import hashlib
import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "tests")


def collection_root():
    """Return a directory that holds ansible_collections/multicloud/images -> this repository."""
    digest = hashlib.sha256(REPO.encode()).hexdigest()[:12]
    root = os.path.join(tempfile.gettempdir(), "multicloud-images-" + digest)
    link = os.path.join(root, "ansible_collections", "multicloud", "images")
    if os.path.realpath(link) != REPO:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(REPO, link)
    return root


COLLECTIONS_ROOT = collection_root()
for path in (COLLECTIONS_ROOT, TESTS):
    if path not in sys.path:
        sys.path.insert(0, path)

from emulator.fixtures import emu, emulator  # noqa: E402,F401 pylint: disable=unused-import,wrong-import-position
