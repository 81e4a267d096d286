# Mercurial extension loaded by the vcsreplicator mirror consumer for its pulls.
#
# A mirror holds no bookmarks of its own: whatever the master says is the truth. Mercurial's pull
# compares incoming bookmarks with local ones and, when they diverge, keeps the local one and
# stores the incoming one as NAME@N. On a mirror that would leave stale bookmarks behind, so
# before hg merges the incoming bookmarks we forget the local ones: every incoming bookmark then
# counts as new and is taken as it is.

from mercurial import bookmarks, extensions

testedwith = b'6.3'


def _master_bookmarks_win(orig, ui, repo, remotemarks, *args, **kwargs):
    store = repo._bookmarks
    for name in list(store.keys()):
        store._del(name)
    return orig(ui, repo, remotemarks, *args, **kwargs)


def extsetup(ui):
    extensions.wrapfunction(bookmarks, 'updatefromremote', _master_bookmarks_win)
