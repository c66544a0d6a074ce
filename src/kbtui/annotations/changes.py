"""Which records a TinyDB write changed, so a write records only those.

TinyDB hands the storage the whole database on every write. Writing it all
would cost time proportional to the database, and a write computed from a
stale read would undo another process's changes to other records. So the
storage keeps, next to the tables TinyDB works on, a private copy of each
table as it is on disk, taken just before TinyDB may change it, and turns a
write into journal operations (:mod:`kbtui.annotations.journal`) by
comparing the two. Apart from the storage because this depends on *how*
TinyDB changes tables (see :class:`LiveTables`), not on files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, ItemsView, ValuesView
from typing import Any, cast

from kbtui.annotations.files import Tables, dumps
from kbtui.annotations.journal import apply_ops
from kbtui.annotations.unread import Unread

_MISSING = object()


class LiveTables(dict[str, Any]):
    """The tables handed to TinyDB.

    TinyDB reads a table with ``[]`` before it changes any of its records in
    place (``Table._update_table``), so that is when the storage keeps a
    private copy of the table as it is on disk, to tell later what changed.
    Plain reads through ``get`` cost nothing.

    A table may be held undecoded (:class:`~kbtui.annotations.unread.Unread`):
    ``[]``, ``get``, ``items`` and ``values`` decode it first, so whoever reads a
    table gets a dict; :meth:`unread` and :meth:`stored` see what is held.
    """

    def __init__(
        self,
        tables: Tables,
        on_access: Callable[[str, dict[str, Any]], None],
        on_decode: Callable[[str, Unread, dict[str, Any]], None],
    ) -> None:
        super().__init__(tables)
        self._on_access = on_access
        self._on_decode = on_decode

    def __getitem__(self, name: str) -> dict[str, Any]:
        table = self._decoded(name, super().__getitem__(name))
        self._on_access(name, table)
        return table

    def get(self, name: str, default: Any = None) -> Any:
        """The table ``name`` (decoded), else ``default``."""
        return self._decoded(name, super().__getitem__(name)) if name in self else default

    def items(self) -> ItemsView[str, dict[str, Any]]:  # type: ignore[override]  # dict's is exact
        """Every table, decoded."""
        for name in list(self):
            self.get(name)
        return super().items()

    def values(self) -> ValuesView[dict[str, Any]]:  # type: ignore[override]  # as items()
        """Every table, decoded."""
        self.items()
        return super().values()

    def unread(self, name: str) -> Unread | None:
        """Table ``name`` if it is held undecoded."""
        table = super().get(name)
        return table if isinstance(table, Unread) else None

    def stored(self) -> dict[str, Any]:
        """The tables as held, an undecoded one as its :class:`Unread` (to write them)."""
        return dict.copy(self)

    def _decoded(self, name: str, table: Any) -> dict[str, Any]:
        if not isinstance(table, Unread):
            return cast(dict[str, Any], table)
        decoded = table.table()
        super().__setitem__(name, decoded)
        self._on_decode(name, table, decoded)
        return decoded


class ChangeTracker:
    """The tables TinyDB works on, and enough of the disk's to diff a write.

    Relies on how TinyDB's ``Table._update_table`` writes: it reads the
    table with ``[]`` before changing records in place (see
    :class:`LiveTables`), and assigns a *new* dict for the table, so a table
    whose dict is the one last handed out is unchanged and not compared.
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = LiveTables(tables, self._keep_copy, self._decoded)
        """What TinyDB reads and mutates; between writes, exactly what is on disk."""
        self._shadow: Tables = {}  # on-disk copies of the tables TinyDB may change in place
        self._known: dict[str, Any] = dict(tables)  # table dicts (or Unread) as last handed out
        self._changes: dict[str, int] = {}  # table name -> how many operations changed it

    def changes(self, name: str) -> int:
        """How many operations changed table ``name`` since these tables were read."""
        return self._changes.get(name, 0)

    def _count(self, ops: list[list[Any]]) -> None:
        for op in ops:
            self._changes[op[1]] = self._changes.get(op[1], 0) + 1

    def diff(self, data: Tables) -> list[str]:
        """The operations (as JSON) that turn what is on disk into ``data``.

        Only tables whose dict is new since we last handed them out are
        compared, record by record, with the private on-disk copy (records
        may have been changed in place, so identity says nothing about them);
        a table with no copy was never read for a change, so its old dict
        is as on disk.
        """
        ops: list[list[Any]] = []
        for name, table in dict.items(data):  # as held: an unread table was not changed
            before = self._known.get(name)
            if before is table:
                continue
            old = self._shadow.get(name, before)
            if isinstance(old, Unread):
                old = old.table()
            if old is None:
                ops.append(["t", name])
                old = {}
            ops.extend(
                ["p", name, key, record]
                for key, record in table.items()
                if old.get(key, _MISSING) != record
            )
            ops.extend(["d", name, key] for key in old.keys() - table.keys())
        ops.extend(["x", name] for name in self._known.keys() - data.keys())
        return [dumps(op) for op in ops]

    def written(self, ops: list[str]) -> None:
        """Take the operations of a write (from :meth:`diff`) as on disk now."""
        for text in ops:
            op = json.loads(text)
            apply_ops(self.tables, [op])
            apply_ops(self._shadow, [json.loads(text)], only_present=True)
            self._count([op])
        self._known = self.tables.stored()

    def replay(self, payloads: list[str]) -> None:
        """Apply journal lines another process wrote (``ValueError`` and co. if malformed)."""
        for payload in payloads:
            ops = json.loads(payload)["ops"]
            apply_ops(self.tables, ops)
            if self._shadow:
                apply_ops(self._shadow, json.loads(payload)["ops"], only_present=True)
            self._count(ops)
        self._known = self.tables.stored()

    def _decoded(self, name: str, unread: Unread, table: dict[str, Any]) -> None:
        """A table was decoded: it is the one handed out, as on disk."""
        if self._known.get(name) is unread:
            self._known[name] = table

    def _keep_copy(self, name: str, table: dict[str, Any]) -> None:
        """Before TinyDB may change a table in place, keep a copy of it (once)."""
        if name not in self._shadow:
            self._shadow[name] = _copy(table)


def _copy(table: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a table, as it would come back from disk."""
    result: dict[str, Any] = json.loads(dumps(table))
    return result
