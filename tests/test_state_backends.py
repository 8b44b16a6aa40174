"""The SQLite backend shared by the dedup index, the seen-store and the learned templates."""

import multiprocessing

from crawler.state.backends import open_sqlite, with_tx


def _open_new_file(path, barrier, answers):
    barrier.wait()  # all at once, as the pipeline workers of a crawl start
    try:
        db = open_sqlite(path)
        with_tx(db, lambda: db.execute("CREATE TABLE IF NOT EXISTS t (a)"))
        answers.put(db.execute("PRAGMA journal_mode").fetchone()[0])
    except Exception as exc:  # reported, not raised: the child's traceback would be lost
        answers.put(repr(exc))


def test_processes_opening_a_new_file_together_all_open_it_in_wal_mode(tmp_path):
    # Before the retry, SQLite's immediate "database is locked" on the journal-mode change
    # failed one round in ten of four processes; forty rounds all pass with it.
    ctx = multiprocessing.get_context("fork")
    for n in range(40):
        barrier, answers = ctx.Barrier(4), ctx.Queue()
        path = tmp_path / f"{n}.sqlite3"
        children = [ctx.Process(target=_open_new_file, args=(path, barrier, answers)) for _ in range(4)]
        for child in children:
            child.start()
        got = [answers.get(timeout=120) for _ in children]
        for child in children:
            child.join(timeout=120)
        assert got == ["wal"] * 4, (n, got)
