"""The minimal ACL users of the README, read from the README itself, and
servers that hold them.

README.md, section "### Minimal ACL users", holds a fenced block with one
`ACL SETUSER migrate-src ...` and one `ACL SETUSER migrate-dst ...` line,
with SOURCE-PASSWORD and DEST-PASSWORD standing for the passwords. The
tests apply exactly those rules (so the README stays true), with only the
edits the README itself allows: the password placeholders replaced, and
`+client|no-touch` left out on a server without CLIENT NO-TOUCH (Redis 7.0).
"""

import pathlib
import re

from .compare import raw

README = pathlib.Path(__file__).resolve().parents[3] / "README.md"
SECTION = "### Minimal ACL users"
SOURCE_USER, DEST_USER = "migrate-src", "migrate-dst"
PLACEHOLDERS = {SOURCE_USER: "SOURCE-PASSWORD", DEST_USER: "DEST-PASSWORD"}
NO_TOUCH = "+client|no-touch"

# The password of the `default` user of servers started here, so that a
# connection that forgets its AUTH (or sends AUTH without the user name)
# is refused rather than let in with every right.
ADMIN_PASSWORD = "admin-only-for-the-test"


def readme_rules(path=README):
    """{user: [rule tokens after the user name]} from the README's fenced
    block under SECTION. Fails with a message when the section, the block
    or either user is missing, or a placeholder is not where it should be."""
    text = pathlib.Path(path).read_text()
    start = text.find(SECTION)
    assert start >= 0, f"{path} has no {SECTION!r} section"
    body = text[start + len(SECTION):]
    nxt = re.search(r"^#{1,3} ", body, re.M)
    if nxt:
        body = body[:nxt.start()]
    m = re.search(r"^```[^\n]*\n(.*?)^```", body, re.M | re.S)
    assert m, f"{path}: no fenced block under {SECTION!r}"
    rules = {}
    for line in m.group(1).splitlines():
        parts = line.split()
        if len(parts) < 3 or [p.upper() for p in parts[:2]] != ["ACL", "SETUSER"]:
            assert not line.strip(), f"{path}: unexpected line in the ACL block: {line!r}"
            continue
        rules[parts[2]] = parts[3:]
    for user, placeholder in PLACEHOLDERS.items():
        assert user in rules, f"{path}: no ACL SETUSER {user} line under {SECTION!r}"
        assert f">{placeholder}" in rules[user], (
            f"{path}: the {user} rule has no >{placeholder} placeholder: {rules[user]}")
    return rules


def _readme_allows_dropping_no_touch(path=README):
    text = pathlib.Path(path).read_text()
    section = text[text.find(SECTION):]
    return re.search(r"7\.0[^\n]*\n?[^\n]*leave out `\+client\|no-touch`", section) is not None


def has_no_touch(server):
    """Whether the server knows CLIENT NO-TOUCH (Redis 7.2+, Valkey)."""
    try:
        info = raw(server.admin(), "COMMAND", "INFO", "CLIENT|NO-TOUCH")
    except Exception:
        return False
    return bool(info) and info[0] is not None


def rules_for(server, user, password, without=()):
    """The README's tokens for `user` as they apply to `server`: the
    placeholder replaced by `password`, `+client|no-touch` dropped where
    the server lacks it (the README says so), and the rules in `without`
    taken out (to make a user that lacks one right)."""
    tokens = list(readme_rules()[user])
    tokens = [f">{password}" if t == f">{PLACEHOLDERS[user]}" else t for t in tokens]
    if NO_TOUCH in tokens and not has_no_touch(server):
        assert _readme_allows_dropping_no_touch(), (
            f"{server.name} has no CLIENT NO-TOUCH, and the README does not say "
            f"to leave out {NO_TOUCH} there")
        tokens.remove(NO_TOUCH)
    for w in without:
        assert w in tokens, f"the README's {user} rule has no {w} to take out: {tokens}"
        tokens.remove(w)
    return tokens


def set_user(server, user, password, without=()):
    """Creates `user` on `server` with the README's rule (see rules_for);
    returns the tokens applied."""
    tokens = rules_for(server, user, password, without)
    server.admin().execute_command("ACL", "SETUSER", user, *tokens)
    return tokens


def start(servers, kind, name):
    """A server whose `default` user needs ADMIN_PASSWORD; server.admin()
    is a client logged in as that user."""
    s = servers.start(kind, f"requirepass {ADMIN_PASSWORD}", name=name)
    s.admin = s.client
    return s


def uri(server, user):
    """redis://user@127.0.0.1:PORT: the password comes from elsewhere."""
    return f"redis://{user}@127.0.0.1:{server.port}"
