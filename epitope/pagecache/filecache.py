"""Django's file-based cache, counting its folder on one write in `CULL_EVERY` instead of on every write.

Production without Redis keeps the shared caches (renditions, card pictures, stored pages)
in files. Django's backend lists the whole folder on every write to decide whether to cull,
and Wagtail writes an image's renditions back to the cache each time it reads them: an article
view paid for two folder listings that grew with the archive. Here the folder is listed on one
write in a hundred, and culled back below MAX_ENTRIES then, so it holds at most
MAX_ENTRIES + CULL_EVERY entries per server process writing to it.
"""

import itertools
import random

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    CULL_EVERY = 100

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writes = itertools.count()

    def _cull(self):
        if next(self._writes) % self.CULL_EVERY:
            return
        filelist = self._list_cache_files()
        excess = len(filelist) - self._max_entries
        if excess < 0:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        # Back under the limit, and a share of it more (as Django does), chosen at random.
        doomed = random.sample(filelist, min(len(filelist), excess + int(self._max_entries / self._cull_frequency)))
        for fname in doomed:
            self._delete(fname)
