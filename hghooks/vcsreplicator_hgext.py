# vcsreplicator master-side Mercurial extension (6.x): the two things hooks cannot do.
#
# 1. Recover an abandoned transaction before the next one opens. hg refuses to open a
#    transaction while a `journal` exists ("abandoned transaction found") and checks that
#    before any hook runs (pretxnopen included), so a crashed push would block every later
#    push until someone ran `hg recover`. We wrap the repository's `transaction()` instead.
# 2. Serve the replication user the unfiltered repository ([replication] unfiltereduser), so
#    a mirror that is several pushes behind can still pull a head that was obsoleted (hidden)
#    on the master since it was pushed. Everyone else keeps the default `served` view.
#
# Everything that talks to the replication log stays in vcsreplicator_hghook.py and the Java
# producer daemon; this file decides nothing about events. Enable it in the master's global
# hgrc (print the whole snippet with `bin/vcsreplicator hgrc-snippet CONFIG`):
#
#   [extensions]
#   vcsreplicator = /PATH/hghooks/vcsreplicator_hgext.py
#   [replication]
#   unfiltereduser = vcsreplicator

from mercurial import extensions, registrar, wireprotov1server

testedwith = b'6.3'

configtable = {}
configitem = registrar.configitem(configtable)
configitem(b'replication', b'unfiltereduser', default=None)

RECOVERING = b'abandoned transaction found; running recover\n'


def _is_replication_user(ui):
    user = ui.config(b'replication', b'unfiltereduser')
    if not user:
        return False
    # Over ssh, sshd sets USER to the login; over HTTP, hgweb's ui.environ is the request's
    # environment, where the web server's authentication sets REMOTE_USER.
    environ = ui.environ
    return user in (environ.get(b'USER'), environ.get(b'REMOTE_USER'))


def _dispatch_repo(orig, repo, proto, command):
    # Read-only commands only: a push by the replication user still sees what everyone sees.
    if (_is_replication_user(repo.ui)
            and wireprotov1server.commands[command].permission == b'pull'):
        return repo.unfiltered()
    return orig(repo, proto, command)


def extsetup(ui):
    extensions.wrapfunction(wireprotov1server, 'getdispatchrepo', _dispatch_repo)


def reposetup(ui, repo):
    if not repo.local():
        return

    class recoveringrepo(repo.__class__):
        def transaction(self, desc, report=None):
            # A nested transaction reuses the open one, whose journal is live.
            if self.currenttransaction() is None and self.svfs.exists(b'journal'):
                # hg opens transactions only under the store lock, and whoever writes a journal
                # holds that lock until the journal is gone. Holding it ourselves (re-entrant,
                # we normally hold it already), a journal we still see has no live writer.
                with self.lock():
                    if self.svfs.exists(b'journal'):
                        self.ui.warn(RECOVERING)
                        self.recover()
            return super(recoveringrepo, self).transaction(desc, report=report)

    repo.__class__ = recoveringrepo
