# vcsreplicator master-side hooks for Mercurial (6.x), run in-process by hg.
#
# This file decides nothing and never talks to Kafka. It collects what hg knows about a
# transaction (which changesets, bookmarks, phases and obsolescence markers it changed),
# hands it to the producer daemon (`bin/vcsreplicator producer-daemon`, written in Java) over a
# Unix domain socket, and prints or enforces the daemon's answer. Why in-process Python hooks
# and not shell hooks or a JVM per hook: docs/producer-design.md (measurements).
#
# Master hgrc (print it with `bin/vcsreplicator hgrc-snippet CONFIG`; it also enables the
# extension beside this file, vcsreplicator_hgext.py, for what hooks cannot do):
#
#   [replicationproducer]
#   socket = /run/vcsreplicator/producer.sock
#
#   [hooks]
#   precommit.vcsreplicator = python:/PATH/hghooks/vcsreplicator_hghook.py:precommit
#   pretxnopen.vcsreplicator = python:/PATH/hghooks/vcsreplicator_hghook.py:pretxnopen
#   pretxnclose.vcsreplicator = python:/PATH/hghooks/vcsreplicator_hghook.py:pretxnclose
#   pre-init.vcsreplicator = python:/PATH/hghooks/vcsreplicator_hghook.py:preinit
#   post-init.vcsreplicator = python:/PATH/hghooks/vcsreplicator_hghook.py:postinit
#
# Protocol: one JSON object per line each way, one request per connection (see
# org.vcsreplicator.producer.HookProtocol). hg loads this file afresh for every hook call
# (imp.load_source), so module globals do not survive between hooks: per-transaction state
# lives on the unfiltered repository object.

import json
import os
import socket

from mercurial import error, hg, obsolete
from mercurial.node import hex as _binhex

PROTOCOL_VERSION = 1
UNAVAILABLE = b'replication log not available; all writes disabled'
DEFAULT_TIMEOUT = 60.0
# Per-transaction state kept on the unfiltered repo between pretxnopen and pretxnclose.
STATE_ATTR = '_vcsreplicator_txns'


class DaemonUnreachable(Exception):
    pass


def _socket_path(ui):
    path = ui.config(b'replicationproducer', b'socket')
    if not path:
        raise error.Abort(b'replicationproducer.socket config option not set')
    return os.fsdecode(path)


def _call(ui, request):
    """Sends one request to the daemon and returns its decoded reply (a dict)."""
    path = _socket_path(ui)
    timeout = float(ui.config(b'replicationproducer', b'sockettimeout') or DEFAULT_TIMEOUT)
    request = dict(request, v=PROTOCOL_VERSION)
    data = json.dumps(request, sort_keys=True).encode('utf-8') + b'\n'
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(data)
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if chunk.endswith(b'\n'):
                    break
        finally:
            s.close()
        reply = b''.join(chunks)
        if not reply:
            raise DaemonUnreachable('%s closed the connection without an answer' % path)
        return json.loads(reply.decode('utf-8'))
    except (OSError, ValueError) as e:
        raise DaemonUnreachable('%s: %s' % (path, e))


def hex(node):
    return _binhex(node).decode('ascii')


def _lines(reply, key):
    return [l.encode('utf-8') for l in reply.get(key) or []]


def _apply(ui, reply):
    """Prints the daemon's lines; returns True (hook failed) unless the daemon allowed it."""
    for line in _lines(reply, 'status'):
        ui.status(line + b'\n')
    for line in _lines(reply, 'warn'):
        ui.warn(line + b'\n')
    abort = reply.get('abort')
    if abort:
        hint = abort.get('hint')
        raise error.Abort(abort['message'].encode('utf-8'),
                          hint=hint.encode('utf-8') if hint else None)
    return not reply.get('ok', False)


def _unreachable(ui, e):
    ui.warn(UNAVAILABLE + b'\n')
    ui.warn(b'(vcsreplicator producer daemon unreachable: %s)\n' % str(e).encode('utf-8', 'replace'))
    return True


def _root(repo):
    return os.fsdecode(repo.root)


def _served_heads(repo):
    unfi = repo.unfiltered()
    # Obsolescence markers added in this process leave the cached hidden set stale: without
    # this, a prune made on the master would not count as changing the served heads.
    unfi.invalidatevolatilesets()
    # localrepo.heads() lists heads newest revision first, the order hg-heads-1 carries.
    return [hex(n) for n in unfi.filtered(b'served').heads()]


def precommit(ui, repo, **kwargs):
    # Every change must arrive through a push so that it reaches the log; no daemon needed.
    ui.warn(b'cannot commit to replicating repositories; push instead\n')
    return True


def pretxnopen(ui, repo, txnid=None, **kwargs):
    try:
        reply = _call(ui, {'op': 'pretxnopen', 'root': _root(repo), 'txnid': _s(txnid)})
    except DaemonUnreachable as e:
        return _unreachable(ui, e)
    failed = _apply(ui, reply)
    if not failed:
        # Served heads before the transaction, to tell afterwards whether they changed.
        unfi = repo.unfiltered()
        txns = getattr(unfi, STATE_ATTR, None)
        if txns is None:
            txns = {}
            setattr(unfi, STATE_ATTR, txns)
        txns[txnid] = _served_heads(repo)
    return failed


def pretxnclose(ui, repo, txnid=None, changes=None, **kwargs):
    unfi = repo.unfiltered()
    tr = unfi.currenttransaction()
    heads_before = (getattr(unfi, STATE_ATTR, None) or {}).pop(txnid, None)
    if changes is None:
        changes = tr.changes
    # Facts are gathered now, under the lock and with the transaction's data visible, and
    # published after close: nothing reaches the log for a transaction that rolls back.
    facts = _transaction_facts(unfi, changes, kwargs)
    try:
        reply = _call(ui, {'op': 'pretxnclose', 'root': _root(repo), 'txnid': _s(txnid)})
    except DaemonUnreachable as e:
        ui.warn(b'replication log not available; cannot close transaction\n')
        ui.warn(b'(vcsreplicator producer daemon unreachable: %s)\n' % str(e).encode('utf-8', 'replace'))
        return True
    failed = _apply(ui, reply)
    if failed:
        return True

    def publish(tr):
        # Runs inside tr.close(), after the commit and before the lock is released, so the
        # events of one repository reach the log in the order hg committed them.
        try:
            facts['heads'] = {
                'before': heads_before,
                'after': _served_heads(unfi),
                'last_push_id': _last_push_id(unfi),
            }
            reply = _call(ui, dict(facts, op='publish', root=_root(unfi), txnid=_s(txnid)))
            if _apply(ui, reply):
                ui.warn(b'(the transaction is committed but not fully recorded in the '
                        b'replication log)\n')
        except Exception as e:
            # The transaction is already committed: warn loudly, never raise out of close().
            ui.warn(b'replication log write failed after the transaction was committed: %s\n'
                    % str(e).encode('utf-8', 'replace'))
            ui.warn(b'(mirrors miss this change until `vcsreplicator replicate-sync` runs for %s)\n'
                    % unfi.root)

    tr.addpostclose(b'zz-vcsreplicator-publish', publish)
    return False


def _transaction_facts(unfi, changes, kwargs):
    cl = unfi.changelog
    facts = {'source': _s(kwargs.get('source') or b''), 'txnname': _s(kwargs.get('txnname') or b'')}

    origlen = changes.get(b'origrepolen', len(cl))
    newrevs = list(range(origlen, len(cl)))
    if newrevs:
        facts['changegroup'] = {
            'nodecount': len(newrevs),
            'heads': [hex(cl.node(r)) for r in _heads_of(cl, newrevs)],
        }

    facts['bookmarks'] = [
        [_s(name), hex(old) if old else '', hex(new) if new else '']
        for name, (old, new) in sorted(changes.get(b'bookmarks', {}).items())
    ]

    # Phase moves of changesets that existed before the transaction, reduced to the heads of
    # each moved set: moving a head moves its ancestors, as the client's phase-heads do.
    moved = {}
    for revs, (old, new) in changes.get(b'phases', []):
        if old is None:
            continue
        moved.setdefault((old, new), []).extend(r for r in revs if r < origlen)
    facts['phases'] = [
        [hex(cl.node(r)), '%d' % old, '%d' % new]
        for (old, new), revs in sorted(moved.items())
        for r in _heads_of(cl, sorted(set(revs)))
    ]

    count = int(kwargs.get('new_obsmarkers') or 0)
    if count:
        # The pushkey encoding of the markers this transaction added (obsstore keeps them in
        # the order they were added, newest last).
        markers = list(unfi.obsstore._all[-count:])
        facts['obsolete'] = {_s(k): _s(v) for k, v in obsolete._pushkeyescape(markers).items()}
    else:
        facts['obsolete'] = {}
    return facts


def _heads_of(cl, revs):
    """The revisions of `revs` (sorted) that have no child in `revs`."""
    members = set(revs)
    parents = set()
    for r in revs:
        for p in cl.parentrevs(r):
            if p in members:
                parents.add(p)
    return [r for r in revs if r not in parents]


def _last_push_id(unfi):
    pushlog = getattr(unfi, 'pushlog', None)
    if pushlog is None:
        return None
    return pushlog.lastpushid()


def _s(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode('utf-8', 'surrogateescape')
    return str(value)


def _init_dest(pats):
    dest = pats[0] if pats else b'.'
    if b'://' in dest:
        return None  # a remote init runs these hooks on the remote side, if at all
    return os.path.normpath(os.path.abspath(os.path.expanduser(os.fsdecode(dest))))


def preinit(ui, repo=None, pats=None, **kwargs):
    path = _init_dest(pats)
    if path is None:
        return False
    try:
        reply = _call(ui, {'op': 'pre-init', 'path': path})
    except DaemonUnreachable as e:
        return _unreachable(ui, e)
    return _apply(ui, reply)


def postinit(ui, repo=None, pats=None, **kwargs):
    path = _init_dest(pats)
    if path is None:
        return False
    requirements = sorted(_s(r) for r in hg.repository(ui, os.fsencode(path)).requirements)
    try:
        reply = _call(ui, {'op': 'post-init', 'path': path, 'requirements': requirements})
    except DaemonUnreachable as e:
        ui.warn(b'repository created but not recorded in the replication log: %s\n'
                % str(e).encode('utf-8', 'replace'))
        return True
    return _apply(ui, reply)
