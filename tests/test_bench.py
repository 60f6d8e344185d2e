"""The benchmark runs end to end on the bundled sample (figures only; nothing is timed)."""

from pathlib import Path

from compare.bench import floor_pass, main, targets_pass

SAMPLE = Path(__file__).resolve().parents[1] / "corpus"


def test_floor_and_pipeline_passes_measure_the_same_input():
    floor, pipeline = floor_pass(SAMPLE), targets_pass(SAMPLE)
    assert floor.input_bytes == pipeline.input_bytes > 0
    assert floor.items > 0 and pipeline.items > 0


def test_targets_benchmark_prints_its_figures(capsys):
    main(["targets", "--corpus", str(SAMPLE)])
    out = capsys.readouterr().out
    for figure in ("pipeline", "floor", "ratio pipeline/floor", "goal: within 3x", "peak RSS", "MB/s"):
        assert figure in out
