"""generated.py: a block of a document made by a program (README's test
map, SECURITY.md's audit map), kept between a begin and an end marker
line; the program writes it (--write) and a test compares it."""
import os
import sys

from support.paths import REPO


def block_in(document, begin, end):
    """The block of REPO/`document` from the begin marker through the end
    marker, or None when the markers are missing."""
    with open(os.path.join(REPO, document)) as f:
        text = f.read()
    first, last = text.find(begin), text.find(end)
    return text[first:last + len(end)] if 0 <= first < last else None


def write_block(document, begin, end, block):
    """Replaces that block of REPO/`document` with `block`."""
    path = os.path.join(REPO, document)
    with open(path) as f:
        text = f.read()
    first, last = text.index(begin), text.index(end) + len(end)
    with open(path, "w") as f:
        f.write(text[:first] + block + text[last:])


def main(document, begin, end, make):
    """A generator's command line: print the block, or --write it."""
    if sys.argv[1:] == ["--write"]:
        write_block(document, begin, end, make())
    else:
        sys.stdout.write(make() + "\n")
