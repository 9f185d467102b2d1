"""Every write of accounts is audited in its own transaction, and no audit row or log line holds
a password, a hash or a secret."""

import hashlib
import logging

from accounts.invitations import accept_invitation, invite
from accounts.services import create_own_token, revoke_own_token
from accounts.sessions import caller_for_session, sign_in, sign_out, sign_out_own_sessions
from accounts.tables import User
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests.accounts.people import PASSWORD


async def test_account_writes_are_audited_without_secrets(caplog) -> None:
    """Invitation, acceptance, sign-in, tokens and sign-outs each leave an audit row by the right
    actor; none of them holds the password, its hash or any secret or its hash, and not even the
    database driver's debug log holds the password or a secret."""
    caplog.set_level(logging.DEBUG)
    invitation = await invite(SYSTEM, "ed@grenoble.fr", "secretariat")
    first = await accept_invitation(invitation, PASSWORD, "192.0.2.1")
    second = await sign_in("ed@grenoble.fr", PASSWORD, "192.0.2.2")
    me = await caller_for_session(second)
    assert me is not None
    token = await create_own_token(me, "Script")
    await revoke_own_token(me, 1)
    await sign_out(first)
    await sign_out_own_sessions(me)
    rows = await AuditEntry.select().order_by(AuditEntry.id).output(load_json=True)
    assert [(r["actor_label"], r["action"], r["entity"]) for r in rows] == [
        ("system", "create", "user"),
        ("system", "create", "membership"),
        ("system", "create", "invitation"),
        ("ed@grenoble.fr", "accept", "invitation"),
        ("ed@grenoble.fr", "update", "user"),
        ("ed@grenoble.fr", "sign_in", "session"),
        ("ed@grenoble.fr", "sign_in", "session"),
        ("ed@grenoble.fr", "create", "api_token"),
        ("ed@grenoble.fr", "revoke", "api_token"),
        ("ed@grenoble.fr", "sign_out", "session"),
        ("ed@grenoble.fr", "sign_out_everywhere", "session"),
    ]
    stored = (await User.select(User.password_hash).first())["password_hash"]
    secrets = [invitation, first, second, token]
    for text in [PASSWORD, *secrets]:
        assert text not in caplog.text and text not in str(rows)
    for text in [
        stored,
        stored.rsplit("$", 1)[-1],
        *(hashlib.sha256(s.encode()).hexdigest()[:12] for s in secrets),
    ]:
        assert text not in str(rows)
