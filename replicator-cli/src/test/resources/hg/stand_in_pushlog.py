# A stand-in for Mozilla's pushlog extension, for tests only: it records every push that adds
# changesets in .hg/pushlog2.db (the same SQLite tables) and offers `repo.pushlog.lastpushid()`,
# the one call the vcsreplicator hook makes. Written for these tests; it is not the real extension.

import os
import sqlite3
import time

from mercurial import registrar

TABLES = [
    "CREATE TABLE IF NOT EXISTS changesets (pushid INTEGER, rev INTEGER, node text)",
    "CREATE TABLE IF NOT EXISTS pushlog (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT, date INTEGER)",
]


class pushlog(object):
    def __init__(self, repo):
        self.path = os.fsdecode(repo.vfs.join(b'pushlog2.db'))

    def _connect(self):
        conn = sqlite3.connect(self.path)
        for sql in TABLES:
            conn.execute(sql)
        return conn

    def lastpushid(self):
        if not os.path.exists(self.path):
            return 0
        conn = self._connect()
        try:
            row = conn.execute("SELECT MAX(id) FROM pushlog").fetchone()
            return row[0] or 0
        finally:
            conn.close()

    def record(self, tr, repo, revs, user, when):
        conn = self._connect()
        pushid = conn.execute("INSERT INTO pushlog (user, date) VALUES (?, ?)", (user, when)).lastrowid
        for rev in revs:
            conn.execute("INSERT INTO changesets (pushid, rev, node) VALUES (?, ?, ?)",
                         (pushid, rev, repo[rev].hex().decode('ascii')))

        def commit(tr):
            conn.commit()
            conn.close()

        def abort(tr):
            conn.rollback()
            conn.close()

        # Committed when hg's transaction finalizes, before post-close callbacks run.
        tr.addfinalize(b'stand-in-pushlog', commit)
        tr.addabort(b'stand-in-pushlog', abort)


def _record(ui, repo, node=None, **kwargs):
    unfi = repo.unfiltered()
    tr = unfi.currenttransaction()
    first = unfi[node].rev()
    user = os.environ.get('USER', 'unknown')
    unfi.pushlog.record(tr, unfi, range(first, len(unfi)), user, int(time.time()))


def reposetup(ui, repo):
    if not repo.local():
        return
    repo.pushlog = pushlog(repo)
    ui.setconfig(b'hooks', b'pretxnchangegroup.stand-in-pushlog', _record, b'stand-in-pushlog')
