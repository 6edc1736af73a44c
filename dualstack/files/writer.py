"""Write a set of files all or none, and recover from a run that was killed half-way.

Every file is first staged as a temporary file beside its destination, and each
destination that exists gets a second name to put it back from (a hard link, else a
copy). Then a journal listing each destination and its backup is written, atomically
and durably, before the first rename; the renames follow; then the journal goes, and
the backups with it. All of these names start with ``PREFIX``.

A run killed at any point leaves one of two states: no journal (nothing was renamed
yet: only temporary files and backups lie about), or a journal (some files may be
new, some old). ``recover`` rolls the second back to the old set, from the backups the
journal names, and removes every leftover; a killed recovery is recovered the same way
the next time. So a folder never stays mixed (a JSON template newer than its YAML
twin): the next run finds it as it was before the interrupted one, then writes. Rolling
back rather than forward needs nothing but the backups, which exist before the first
rename; rolling forward would need every staged file to have survived. ``stray``
names the leftovers without touching them, for a drift check that must change nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from dualstack.files.inputs import shown

#: Every temporary name starts with this, not with its destination's name, so that a destination whose name is as
#: long as the file system allows (255 bytes) still gets a temporary file beside it.
PREFIX = ".dualstack-"
#: The journal of a commit in progress, in the folder of its first destination.
JOURNAL = f"{PREFIX}journal.json"


class WriteError(Exception):
    """A file could not be written; nothing was changed. The message names the file and the reason."""


def _folder(path: str) -> str:
    return os.path.dirname(path) or "."


def _fsync_folder(folder: str) -> None:
    """Make the renames and removals in ``folder`` durable (a crash of the machine, not only of the process)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def stray(folders: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The leftovers of interrupted writes in ``folders``: temporary files, backups and journals."""
    found = []
    for folder in sorted({os.fspath(f) for f in folders}):
        with contextlib.suppress(OSError):
            found += [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.startswith(PREFIX)]
    return found


def recover(folders: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Roll back any commit a killed run left in ``folders`` and remove every leftover; returns what was removed or
    put back, for the caller to say."""
    done = []
    folders = sorted({os.fspath(f) for f in folders})
    # Every journal is read and checked before anything is touched: one that is not ours changes nothing.
    journals = {folder: _journal(folder) for folder in folders}
    for folder in folders:
        entries = journals[folder]
        if entries is not None:
            for destination, backup in entries:
                if backup is not None and os.path.lexists(backup):
                    os.replace(backup, destination)
                    done.append(f"put back {shown(destination)}")
                elif backup is None and os.path.lexists(destination):
                    os.unlink(destination)  # new in the interrupted commit: the old set did not have it
                    done.append(f"removed {shown(destination)}")
            _fsync_folder(folder)
    for path in stray(folders):
        # The journal last: while it exists, a killed recovery is recovered again.
        if os.path.basename(path) != JOURNAL:
            os.unlink(path)
            done.append(f"removed {shown(path)}")
    for folder in folders:
        journal = os.path.join(folder, JOURNAL)
        if os.path.lexists(journal):
            os.unlink(journal)
            done.append(f"removed {shown(journal)}")
        _fsync_folder(folder)
    return done


def _journal(folder: str) -> list[tuple[str, str | None]] | None:
    """The entries of ``folder``'s journal as paths in ``folder``, or None when there is none to act on. Raises
    ``WriteError`` for a journal this module did not write: one that names a file in another folder (it would be
    removed or overwritten), a backup that is not one of ours, or entries of another shape."""
    journal = os.path.join(folder, JOURNAL)
    try:
        entries = json.loads(Path(journal).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no journal (or one cut short, which means no rename had started: see write_all)

    def refused(why: str) -> WriteError:
        return WriteError(
            f"{shown(journal)} is not a journal of an interrupted run: {why}; nothing was changed (check the folder, "
            "then remove the file)"
        )

    def inside(name: object, *, backup: bool) -> str:
        if not isinstance(name, str) or not name or os.path.basename(name) in ("", ".", ".."):
            raise refused(f"{name!r} is not a file name")
        path = os.path.join(folder, os.path.basename(name))
        if os.path.dirname(name) and os.path.realpath(name) != os.path.realpath(path):
            raise refused(f"it names {shown(name)}, outside {shown(folder)}")
        ours = os.path.basename(name).startswith(PREFIX) and name.endswith(".bak")
        if ours != backup:
            raise refused(f"{shown(name)} is {'not ' if backup else ''}a backup of its own")
        return path

    if not isinstance(entries, list):
        raise refused("it holds no list of files")
    checked: list[tuple[str, str | None]] = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"destination", "backup"}:
            raise refused(f"an entry is {entry!r:.60}")
        backup = entry["backup"]
        checked.append(
            (inside(entry["destination"], backup=False), None if backup is None else inside(backup, backup=True))
        )
    return checked


def _backup(destination: str) -> str:
    """A second name for the file at ``destination`` (a hard link, else a copy), to put it back from."""
    fd, backup = tempfile.mkstemp(dir=_folder(destination), prefix=PREFIX, suffix=".bak")
    os.close(fd)
    try:
        os.unlink(backup)
        os.link(destination, backup)
    except OSError:
        shutil.copy2(destination, backup)
    return backup


def _stage(destination: str, data: bytes, umask: int, suffix: str = ".tmp") -> str:
    """``data`` in a new temporary file beside ``destination``, flushed to disk, with the mode the destination has
    or would get."""
    fd, temp = tempfile.mkstemp(dir=_folder(destination), prefix=PREFIX, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = stat.S_IMODE(os.stat(destination).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _write_journal(folder: str, entries: list[dict[str, str | None]]) -> str:
    """The journal, whole or not at all: written to a temporary name, flushed, then renamed into place."""
    data = json.dumps(entries).encode("utf-8")
    temp = _stage(os.path.join(folder, JOURNAL), data, 0o022, suffix=".part")
    os.replace(temp, os.path.join(folder, JOURNAL))
    _fsync_folder(folder)
    return os.path.join(folder, JOURNAL)


def write_all(planned: Mapping[str, str]) -> list[str]:
    """Write every file of ``{destination: text}`` or none; returns the destinations. Raises ``WriteError`` naming
    the file that failed, after putting back the files already replaced and removing every temporary file."""
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, str]] = []
    backups: dict[str, str] = {}
    replaced: list[str] = []
    journal = None
    current = ""
    try:
        for destination, text in planned.items():
            current = destination
            staged.append((_stage(destination, text.encode("utf-8"), umask), destination))
        for _, destination in staged:
            current = destination
            if os.path.lexists(destination):
                backups[destination] = _backup(destination)
        if staged:
            # Names within the journal's folder, so that a recovery run from another directory finds the same files.
            if len({_folder(d) for _, d in staged}) != 1:
                raise ValueError("write_all writes into one folder, where its journal goes")
            entries = [{"destination": os.path.basename(d), "backup": _name(backups.get(d))} for _, d in staged]
            journal = _write_journal(_folder(staged[0][1]), entries)
        for temp, destination in staged:
            current = destination
            os.replace(temp, destination)
            replaced.append(destination)
        for folder in sorted({_folder(d) for _, d in staged}):
            _fsync_folder(folder)
    except BaseException as exc:
        for destination in reversed(replaced):
            if destination in backups:
                _quietly(os.replace, backups.pop(destination), destination)
            else:
                _quietly(os.unlink, destination)
        for path in [temp for temp, _ in staged] + list(backups.values()) + ([journal] if journal else []):
            _quietly(os.unlink, path)
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {shown(current)}: {exc.strerror}; no file was changed") from None
        raise
    if journal is not None:
        os.unlink(journal)  # from here on, the new set stands
    for backup in backups.values():
        _quietly(os.unlink, backup)
    return [destination for _, destination in staged]


def _name(path: str | None) -> str | None:
    return None if path is None else os.path.basename(path)


def _quietly(action: Callable[..., None], *paths: str) -> None:
    """Undo one step, going on with the others whatever happens (it is already the way out of an error)."""
    with contextlib.suppress(OSError):
        action(*paths)
