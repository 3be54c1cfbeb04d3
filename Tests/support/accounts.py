"""accounts.py: the accounts a test's sandbox has. Every sandbox has what
any machine runas is installed on has (root, nobody, the groups root,
wheel, users and nogroup); every other account is declared by the test
that needs it, by what it is: wheel_member("alice", 2001), locked("dave",
2004), same_uid_alias(ALICE, "alias"), ... Password hashes are made by the
system's libcrypt itself."""
import ctypes
import dataclasses
import functools
from dataclasses import dataclass

YESCRYPT = b"$y$"
SHA512 = b"$6$"
MD5 = b"$1$"

WHEEL_GID = 10

_libcrypt = ctypes.CDLL("libcrypt.so.1")
_libcrypt.crypt_gensalt_rn.restype = ctypes.c_char_p
_libcrypt.crypt_gensalt_rn.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p,
                                      ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
_libcrypt.crypt.restype = ctypes.c_char_p
_libcrypt.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]


def make_hash(password, prefix):
    """A new hash of `password`; prefix: YESCRYPT, SHA512, MD5, ..."""
    out = ctypes.create_string_buffer(256)
    setting = _libcrypt.crypt_gensalt_rn(prefix, 0, None, 0, out, 256)
    assert setting, "crypt_gensalt_rn failed for %r" % prefix
    hashed = _libcrypt.crypt(password.encode(), setting)
    assert hashed and not hashed.startswith(b"*"), "crypt failed for %r" % prefix
    return hashed.decode()


@functools.lru_cache(maxsize=None)
def account_hash(password, prefix):
    """make_hash, made once per password and method in a test process: a
    sandbox's shadow file needs a valid hash, not a fresh salt (yescrypt
    costs tens of milliseconds per hash)."""
    return make_hash(password, prefix)


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int
    password: str = None
    hash_prefix: bytes = YESCRYPT
    groups: tuple = ()
    shadow_override: str = None  # "!"/"!!" prefix the real hash; "MISSING": no shadow line;
                                 # any other value (even "") replaces it
    shadow_fields: str = "::"     # the last three fields: inactive:expire:reserved
    home: str = None
    last_change: str = "19000"    # sp_lstchg (days since 1970); "0": must change now
    max_days: str = "99999"       # sp_max

    def with_changes(self, **changes):
        return dataclasses.replace(self, **changes)


# -- what every sandbox has ----------------------------------------------------

ROOT = User("root", 0, 0, password="root's own", home="/root")
NOBODY = User("nobody", 65534, 65534, shadow_override="*", home="/nonexistent")
BASE_GROUPS = (("wheel", WHEEL_GID), ("users", 100), ("nogroup", 65534), ("root", 0))


# -- accounts a test declares --------------------------------------------------

def _password(name, password):
    return password if password is not None else "%s's password" % name


def wheel_member(name, uid, password=None, hash=YESCRYPT, groups=(), **fields):
    """A member of wheel (may use runas) with a valid password."""
    return User(name, uid, uid, password=_password(name, password), hash_prefix=hash,
                groups=("wheel",) + tuple(groups), **fields)


def not_in_wheel(name, uid, password=None, hash=YESCRYPT, groups=(), **fields):
    """An ordinary user with a valid password, not in wheel."""
    return User(name, uid, uid, password=_password(name, password), hash_prefix=hash,
                groups=tuple(groups), **fields)


def locked(name, uid, mark="!", password=None, in_wheel=True):
    """A wheel member whose valid hash is locked: mark "!" or "!!" before
    it (passwd -l, useradd), or "*" instead of it."""
    return wheel_member(name, uid, password, shadow_override=mark) if in_wheel else \
        not_in_wheel(name, uid, password, shadow_override=mark)


def without_password(name, uid, home=None, groups=()):
    """An account no password opens ("*"), like a system account."""
    return User(name, uid, uid, shadow_override="*", home=home, groups=tuple(groups))


def same_uid_alias(of, name, password=None, groups=()):
    """A second passwd entry with `of`'s uid and gid under another name."""
    return User(name, of.uid, of.gid, password=_password(name, password), groups=tuple(groups))


def expired(name, uid, password=None):
    """A wheel member whose account expired (shadow's expire field: day 1)."""
    return wheel_member(name, uid, password, shadow_fields=":1:")


def must_change_password(name, uid, password=None):
    """A wheel member whose password must be changed now (last change: 0)."""
    return wheel_member(name, uid, password, last_change="0")


def password_aged_out(name, uid, password=None):
    """A wheel member whose password is older than its maximum age."""
    return wheel_member(name, uid, password, last_change="10000", max_days="30")


def empty_password_field(name, uid):
    """A wheel member whose shadow password field is empty."""
    return wheel_member(name, uid, "", shadow_override="")


def no_shadow_line(name, uid, password=None):
    """A wheel member in /etc/passwd with no line in /etc/shadow."""
    return wheel_member(name, uid, password, shadow_override="MISSING")


def passwd_group_shadow(users, groups):
    """The text of /etc/passwd, /etc/shadow and /etc/group for `users`
    (each with a group of its own name unless one is named so) and
    `groups` ((name, gid) pairs, members from the users' `groups`)."""
    passwd, shadow = [], []
    table = {name: (gid, []) for name, gid in groups}
    for u in users:
        home = u.home or "/home/" + u.name
        passwd.append("%s:x:%d:%d:%s:%s:/bin/sh" % (u.name, u.uid, u.gid, u.name, home))
        if u.shadow_override == "MISSING":
            field = None
        elif u.shadow_override in ("!", "!!"):
            field = u.shadow_override + account_hash(u.password, u.hash_prefix)
        elif u.shadow_override is not None:
            field = u.shadow_override
        else:
            field = account_hash(u.password, u.hash_prefix)
        if field is not None:
            shadow.append("%s:%s:%s:0:%s:7:%s" % (u.name, field, u.last_change, u.max_days, u.shadow_fields))
        if u.name not in table:
            table[u.name] = (u.gid, [])
        for g in u.groups:
            table[g][1].append(u.name)
    group = "".join("%s:x:%d:%s\n" % (n, gid, ",".join(m)) for n, (gid, m) in table.items())
    return "\n".join(passwd) + "\n", "\n".join(shadow) + "\n", group
