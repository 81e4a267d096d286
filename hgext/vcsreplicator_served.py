# vcsreplicator_served.py - hgweb view of what every mirror has replicated
#
# Part of vcsreplicator-java. This software may be used and distributed according
# to the terms of the GNU General Public License version 2 or any later version.

"""hide changesets that not every vcsreplicator mirror has yet

The heads consumer of vcsreplicator writes ``.hg/replicated-data``: a CBOR map
``{b"heads": [20-byte nodes], b"last_push_id": int or null}`` listing the heads
every mirror has applied. This extension defines the repository view
``replicatedserved``: what ``served`` shows, minus every changeset that is not an
ancestor of one of those heads. A missing or empty file hides nothing more than
``served`` does (no push has been recorded yet, so there is nothing to wait for).

Enable it for hgweb::

  [extensions]
  vcsreplicator_served = /path/to/vcsreplicator-java/hgext/vcsreplicator_served.py

  [web]
  view = replicatedserved

Only Mercurial itself is needed: the file is decoded with ``mercurial.utils.cborutil``.
"""

from mercurial.i18n import _
from mercurial.node import hex, nullrev
from mercurial import error, hg, repoview
from mercurial.utils import cborutil

testedwith = b'6.3.2'

VIEW = b'replicatedserved'
FILENAME = b'replicated-data'


def replicatedheads(repo):
    """Binary nodes listed in .hg/replicated-data, or None if it is missing or empty."""
    raw = repo.vfs.tryread(FILENAME)
    if not raw:
        return None
    where = repo.vfs.join(FILENAME)
    try:
        values = cborutil.decodeall(raw)
    except cborutil.CBORDecodeError as e:
        raise error.Abort(_(b'malformed CBOR in %s: %s') % (where, e.args[0]))
    heads = None
    if len(values) == 1 and isinstance(values[0], dict):
        heads = values[0].get(b'heads')
    if not isinstance(heads, list) or not all(
        isinstance(n, bytes) and len(n) == 20 for n in heads
    ):
        raise error.Abort(_(b'%s has no list of 20-byte heads') % where)
    return heads


def computereplicatedserved(repo, visibilityexceptions=None):
    """Revisions hidden from the replicatedserved view (repo is unfiltered)."""
    unserved = repoview.computeunserved(repo, visibilityexceptions)
    heads = replicatedheads(repo)
    if heads is None:
        return unserved

    cl = repo.changelog
    replicated = set()
    for node in heads:
        try:
            rev = cl.rev(node)
        except error.LookupError:
            # The heads consumer only writes what this mirror applied, so this
            # means a damaged repo or file; ignore the node, as the original did.
            repo.ui.log(
                b'vcsreplicator',
                b'node in replicated data file does not exist: %s\n',
                hex(node),
            )
            continue
        if rev != nullrev:
            replicated.add(rev)

    # Usual case: every mirror has everything, nothing more to hide.
    if replicated == set(cl.headrevs()):
        return unserved
    unreplicated = repo.revs(b'not ::%ld', sorted(replicated))
    return frozenset(unserved | set(unreplicated))


def extsetup(ui):
    repoview.filtertable[VIEW] = computereplicatedserved
    # hgweb reuses a cached repository until the (mtime, size) of one of the
    # files in hg.foi changes; listing ours makes a rewrite of the file show
    # on the next request. (The writer advances the mtime by whole seconds.)
    entry = (b'path', FILENAME)
    if entry not in hg.foi:
        hg.foi.append(entry)
