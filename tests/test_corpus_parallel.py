"""load_corpus gives the same reports, tables and errors on one core as spread over worker processes."""

from pathlib import Path

from compare.corpus import load_corpus


def test_parallel_load_equals_serial(shared_dir, tmp_path):
    corpus = shared_dir / "corpus"
    files = sorted(corpus.glob("zhumadian/*.txt"))[:10] + sorted(corpus.glob("national/20*.txt"))[:4]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    files.append(empty)  # an error from a worker or from this process alike
    serial = load_corpus([corpus], workers=1, files=files)
    parallel = load_corpus([corpus], workers=2, files=files)
    assert [r.source for r in parallel.reports] == [r.source for r in serial.reports]
    assert len(parallel.tables) == len(serial.tables) == len(files) - 1
    assert all(a.equals(b) for a, b in zip(parallel.tables, serial.tables))
    assert [str(e) for e in parallel.errors] == [str(e) for e in serial.errors]
    assert len(serial.errors) == 1 and Path(serial.errors[0].path).name == "empty.txt"
