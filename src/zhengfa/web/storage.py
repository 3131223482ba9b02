"""The file storage of uploads: Django's file system storage that leaves nothing behind
when the disk fills up during a write.

Django's FileSystemStorage writes straight into the final path; when the disk fills up in
the middle (ENOSPC, EDQUOT) the partial file stays, named by no row and holding space.
Here it is removed before the error goes on, so a refused upload leaves no trace.
"""

from __future__ import annotations

import contextlib
import errno
import os
from typing import Any

from django.core.files.storage import FileSystemStorage

STORAGE_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_storage_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in STORAGE_FULL


class CleanFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)  # type: ignore[misc]  # not in the stubs
        except OSError as exc:
            # Django opens the file with O_EXCL: a file that was not there before the
            # call is the partial one this call wrote; an older file is never touched.
            if is_storage_full(exc) and not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            raise
