"""legacy_accounts.py: the one table of accounts every sandbox had before
tests declared their own (issue 25). Only for tests not yet converted; a
sandbox made without `accounts` gets all of these. To be removed."""
from support.accounts import (MD5, NOBODY, ROOT, SHA512, User, empty_password_field, expired, locked,
                              must_change_password, no_shadow_line, not_in_wheel, password_aged_out,
                              wheel_member, without_password)

USERS = [
    ROOT,
    wheel_member("alice", 2001, "correct horse battery", groups=("users",)),
    wheel_member("bob", 2002, "b0b's\tpass word", hash=SHA512),
    not_in_wheel("carol", 2003, "not an admin", groups=("users",)),
    NOBODY,
    locked("dave", 2004, "!", "locked out"),
    expired("erin", 2005, "expired account"),
    wheel_member("frank", 2006, "old md5 hash", hash=MD5),
    wheel_member("gina", 2007, "g" * 500 + "0123456789a"),
    empty_password_field("hank", 2008),
    must_change_password("ivy", 2009, "change me now"),
    password_aged_out("jack", 2010, "aged out"),
    locked("kate", 2011, "*", "star locked"),
    locked("lena", 2012, "!!", "double bang"),
    no_shadow_line("mike", 2013, "no shadow line"),
    without_password("65534", 2030),
    without_password("pat", 2014, home="/tmp"),
]
# (in the order of old: /etc/group's order is the order id(1) lists groups in)
GROUPS = [("wheel", 10), ("users", 100), ("proj", 3000), ("nogroup", 65534), ("root", 0)]


def user(name):
    return next(u for u in USERS if u.name == name)


ALICE = USERS[1]
BOB = USERS[2]
CAROL = USERS[3]
