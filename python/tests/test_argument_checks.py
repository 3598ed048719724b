"""Arguments of the wrong type or value are refused with the argument named,
never converted silently (a float truncated, a -1 wrapped, an encoding guessed)."""
import numpy as np
import pytest

import sutro
from sutro import _sutro


@pytest.fixture(scope="module")
def data():
    task = sutro.make_task("parity", 20, 3, 42)
    x, y = task.dense("train", 400)
    xt, yt = task.dense("test", 100)
    return x, y, xt, yt


CFG = dict(sutro.challenge(repeats=1), seeds=[42])


# --- options dicts: TypeError naming the option and the type, ValueError for negatives


@pytest.mark.parametrize("key,value,error,match", [
    ("train", -1, ValueError, r"sutro::lab::config: option 'train' must be non-negative, got -1"),
    ("n", "20", TypeError, r"sutro::lab::config: option 'n' must be a non-negative integer, got '20' \(str\)"),
    ("n", 20.0, TypeError, r"option 'n' must be a non-negative integer, got 20.0 \(float\)"),
    ("noise", "0.1", TypeError, r"option 'noise' must be a number, got '0.1'"),
    ("seeds", [42, -1], ValueError, r"option 'seeds' must hold non-negative integers, got -1 at index 1"),
    ("seeds", 42, TypeError, r"option 'seeds' must be a list"),
    ("threshold", 2**40, ValueError, r"option 'threshold' = 1099511627776 is out of range"),
    ("label", 5, TypeError, r"option 'label' must be a string, got 5 \(int\)"),
])
def test_lab_config_options_are_type_checked(key, value, error, match):
    with pytest.raises(error, match=match):
        sutro.lab_run(dict(CFG, **{key: value}), ["gf2_elimination"])


def test_method_and_optimizer_options_are_type_checked(data):
    x, y, xt, yt = data
    with pytest.raises(TypeError, match=r"sutro::optim::sgd: option 'lr' must be a number, got '0.1' \(str\)"):
        sutro.train_mlp(x, y, xt, yt, lr="0.1", epochs=1)
    with pytest.raises(ValueError, match=r"sutro::solvers::robust_gf2: option 'trials' must be non-negative, got -1"):
        sutro.solve_samples(x, y, 3, "robust_gf2", noise=0.1, trials=-1)
    with pytest.raises(TypeError, match=r"sutro::solvers::gf2_elimination: option 'verify_all' must be True or False"):
        sutro.solve_samples(x, y, 3, verify_all="yes")
    with pytest.raises(ValueError, match=r"sutro::lab::method: option 'epochs' must be non-negative, got -3"):
        sutro.lab_run(CFG, [{"mlp": "sgd", "epochs": -3}])
    with pytest.raises(TypeError, match=r"sutro::lab::method: option 'options' must be a dict, got 3 \(int\)"):
        sutro.lab_run(CFG, [{"solver": "exhaustive", "options": 3}])
    with pytest.raises(TypeError, match=r"a method must be a dict, got 7 \(int\)"):
        _sutro.lab_run(CFG, [7])
    # Right types still pass, numpy scalars and ints for floats included.
    r = sutro.solve_samples(x, y, 3, "robust_gf2", trials=np.int64(50), alpha=np.float64(1e-6))
    assert r.status in ("found", "ambiguous", "failed")
    assert sutro.train_mlp(x, y, xt, yt, lr=1, epochs=1, hidden=(8,))["epochs"] == 1


# --- integer arrays: floats refused, not truncated


def test_integer_arrays_refuse_floats_and_out_of_range_values():
    task = sutro.make_task("parity", 20, 3, 42)
    with pytest.raises(TypeError, match=r"sutro::tasks::query: rows must hold integers, got dtype float64"):
        task.query(np.full((1, 1), 1.7))
    with pytest.raises(ValueError, match=r"query: rows must hold integers >= 0, got -1 at index \(0, 0\)"):
        task.query(np.array([[-1]]))
    words, labels = task.packed("train", 200)
    assert np.array_equal(task.query(words.astype(np.int64)), task.query(words)[:200])
    args = ("parity", 20, 3, 0.0, "pm1", None, {})
    with pytest.raises(TypeError, match=r"sutro::solvers::gf2_elimination: labels must hold integers, got dtype float"):
        _sutro.solve_packed("gf2_elimination", words, np.full(200, 1.9), *args)
    with pytest.raises(TypeError, match=r"gf2_elimination: words must hold integers, got dtype float64"):
        _sutro.solve_packed("gf2_elimination", words.astype(np.float64), labels, *args)
    with pytest.raises(ValueError, match=r"labels must hold integers <= 2147483647, got 4294967296 at index 3"):
        _sutro.solve_packed("gf2_elimination", words, np.array([1, 1, 1, 2**32] + [1] * 196), *args)
    assert _sutro.solve_packed("gf2_elimination", words, labels.astype(np.int64), *args)["status"] == "found"
    with pytest.raises(ValueError, match=r"labels must be integers .*got 1.9 at index 0"):
        sutro.solve_samples(words, np.full(200, 1.9), 3, n=20)
    with pytest.raises(ValueError, match=r"gf2_elimination: labels must hold integers <= 2147483647, got 4294967296"):
        sutro.solve_samples(words, np.array([1] * 199 + [2**32]), 3, n=20)
    with pytest.raises(ValueError, match=r"labels must be integers .*got nan at index 2"):
        sutro.solve_samples(words, np.array([1.0, 1.0, np.nan] + [1.0] * 197), 3, n=20)


def test_energy_estimate_and_reuse_distance_inputs():
    with pytest.raises(TypeError, match=r"energy_estimate: histogram must hold integers, got dtype float64"):
        sutro.energy_estimate([0.5, 2.7])
    with pytest.raises(ValueError, match=r"histogram must hold integers >= 0, got -2 at index 1"):
        sutro.energy_estimate([0, -2])
    assert sutro.energy_estimate([0, 3], cold=1)["tiers"][0]["accesses"] == 3
    with pytest.raises(TypeError, match=r"sutro::metrics::reuse_distance: addresses must hold integers"):
        _sutro.reuse_distance(np.array([1.5]))
    # An empty trace is a trace, whatever numpy's dtype for [] (float64).
    for empty in ([], np.zeros(0), np.zeros(0, np.int64)):
        r = sutro.reuse_distance(empty)
        assert r["accesses"] == 0 and r["cold"] == 0 and r["dmd"] == 0
    assert _sutro.reuse_distance(np.zeros(0))["accesses"] == 0


# --- encodings: every entry +-1 or every entry 0/1, nothing guessed


def test_encoding_detection_is_strict():
    with pytest.raises(ValueError, match=r"pack_rows: entries must all be \+-1 or all 0/1, got 5 at index \(0, 1\)"):
        sutro.pack_rows(np.array([[-1, 5]]))
    with pytest.raises(ValueError, match=r"got nan at index \(1, 0\)"):
        sutro.pack_rows(np.array([[1.0, 0.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"mix the encodings: -1 \(-1 at index \(0, 0\)\) and 0 \(0 at index \(0, 1"):
        sutro.pack_rows(np.array([[-1, 0, 1]]))
    with pytest.raises(ValueError, match=r"every entry is 1.*give encoding='pm1' or encoding='01'"):
        sutro.pack_rows(np.ones((2, 3)))
    assert sutro.pack_rows(np.ones((2, 3)), "pm1").tolist() == [[0], [0]]
    assert sutro.pack_rows(np.ones((2, 3)), "01").tolist() == [[7], [7]]
    assert sutro.pack_rows(np.ones((2, 3)), "+-1").tolist() == [[0], [0]]  # an alias of pm1, as in make_task
    with pytest.raises(ValueError, match=r"encoding 'pm1' needs every entry -1 or \+1, got 0 at index \(0, 1\)"):
        sutro.pack_rows(np.array([[1, 0]]), "pm1")
    with pytest.raises(ValueError, match=r"encoding '01' needs every entry 0 or 1, got -1 at index \(0, 0\)"):
        sutro.pack_rows(np.array([[-1, 1]]), "01")
    with pytest.raises(ValueError, match=r"unknown encoding 'bits'"):
        sutro.pack_rows(np.array([[1, 0]]), "bits")
    assert sutro.pack_rows(np.array([[True, False]])).tolist() == [[1]]
    assert sutro.tasks.detect_encoding(np.array([[-1, 1]])) == "pm1"
    assert sutro.tasks.detect_encoding(np.zeros((2, 2), np.uint8)) == "01"


def test_solve_samples_refuses_entries_outside_the_encoding(data):
    x, y, _, _ = data
    bad = x.copy()
    bad[3, 7] = 0.5
    with pytest.raises(ValueError, match=r"entries must all be \+-1 or all 0/1, got 0.5 at index \(3, 7\)"):
        sutro.solve_samples(bad, y, 3)
    bad[3, 7] = np.nan
    with pytest.raises(ValueError, match=r"got nan at index \(3, 7\)"):
        sutro.solve_samples(bad, y, 3)
    # +-1 rows of ones only: the encoding decides, and must be given.
    ones, y1 = np.ones((4, 20), np.float32), np.ones(4, np.float32)
    with pytest.raises(ValueError, match="every entry is 1"):
        sutro.solve_samples(ones, y1, 3)
    with pytest.raises(ValueError, match="every entry is 1"):
        sutro.solve(ones, y1, 20, 3)
    r = sutro.solve_samples(ones, y1, 3, encoding="pm1")
    assert r.status in ("ambiguous", "failed")
    task = sutro.make_task("parity", 20, 3, 42)
    assert sutro.solve(x, y, 20, 3, encoding="pm1") == task.secret.tolist()


# --- training: an empty test set, epochs 0 and a NaN threshold are errors


def test_train_mlp_refuses_what_cannot_train(data):
    x, y, xt, yt = data
    with pytest.raises(ValueError, match="sutro::nn::train: empty test set"):
        sutro.train_mlp(x, y, xt[:0], yt[:0], epochs=2)
    with pytest.raises(ValueError, match=r"sutro.train_mlp: epochs must be at least 1, got 0"):
        sutro.train_mlp(x, y, xt, yt, epochs=0)
    with pytest.raises(TypeError, match=r"sutro.train_mlp: epochs must be an integer, got 2.5"):
        sutro.train_mlp(x, y, xt, yt, epochs=2.5)
    with pytest.raises(ValueError, match=r"solve_accuracy must be in \(0, 1\], got nan"):
        sutro.train_mlp(x, y, xt, yt, epochs=1, solve_accuracy=float("nan"))
    with pytest.raises(ValueError, match=r"solve_accuracy must be in \(0, 1\], got 0"):
        sutro.train_mlp(x, y, xt, yt, epochs=1, solve_accuracy=0.0)


# --- files and packed rows


def test_load_of_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        sutro.load(tmp_path / "missing.npy")
    with pytest.raises(FileNotFoundError):
        sutro.load_bits(tmp_path / "missing.npy", 8)
    with pytest.raises(OSError):
        sutro.load(tmp_path)  # a directory


def test_unpack_rows_refuses_more_columns_than_the_words_hold():
    with pytest.raises(ValueError, match=r"unpack_rows: n = 100 columns do not fit rows of 1 words \(at most 64\)"):
        sutro.unpack_rows(np.zeros((1, 1), np.uint64), 100)
    with pytest.raises(ValueError, match="n = -1"):
        sutro.unpack_rows(np.zeros((1, 1), np.uint64), -1)
    with pytest.raises(TypeError, match="words must be integers"):
        sutro.unpack_rows(np.full((1, 1), 3.5), 4)
    assert sutro.unpack_rows(np.array([[5]], np.uint64), 64).shape == (1, 64)
    assert sutro.unpack_rows(np.array([[5]], np.uint64), 3).tolist() == [[1, 0, 1]]


def test_price_events_refuses_ids_that_would_wrap():
    with pytest.raises(ValueError, match=r"sutro::metrics::dmd::price: reads must hold integers >= 0, got -1 at index 1"):
        sutro.price_events(2, [0, -1], [2])
    with pytest.raises(TypeError, match="reads must hold integers, got dtype float64"):
        sutro.price_events(2, [0.0, 1.5], [2])
    with pytest.raises(ValueError, match="counts must hold integers <= 4294967295"):
        sutro.price_events(2, [0, 1], [2**32 + 2])
    # A tool key 0 (keys start at 1) becomes id -1: refused, not wrapped to 2^32 - 1.
    with pytest.raises(ValueError, match="reads must hold integers"):
        sutro.dmd.price_tool_events([("STORE", 1), ("READ_BATCH", [0])])
    assert sutro.price_events(2, [0, 1], [2])["cost"] == sutro.price_events(2, np.array([0, 1], np.uint32), [2])["cost"]


def test_gf2_matrix_from_words_refuses_floats():
    with pytest.raises(TypeError, match="from_words: words must hold integers, got dtype float64"):
        sutro.GF2Matrix.from_words(np.full((1, 1), 1.5), 8)
    assert sutro.GF2Matrix.from_words(np.array([[5]], np.uint64), 8).to_bits().tolist() == [[1, 0, 1, 0, 0, 0, 0, 0]]


# --- tiers of a hierarchy: each part checked, never std::bad_cast


@pytest.mark.parametrize("tier,error,match", [
    (["fast", 8, 1.0], TypeError, r"hierarchy: tiers\[0\] must be a tuple \(name, capacity_bytes or None, "
                                  r"picojoules\), got \['fast', 8, 1.0\] \(list\)"),
    (("fast", 8), ValueError, r"tiers\[0\] must be a tuple .*got 2 items"),
    (("fast", "x", 1.0), TypeError, r"tiers\[0\]: the capacity must be a non-negative integer \(bytes\) or None, "
                                    r"got 'x' \(str\)"),
    (("fast", 8.0, 1.0), TypeError, r"the capacity must be a non-negative integer .*got 8.0 \(float\)"),
    (("fast", -5, 1.0), ValueError, r"tiers\[0\]: the capacity must be non-negative, got -5"),
    (("fast", 2**64, 1.0), ValueError, r"the capacity 18446744073709551616 is out of range"),
    ((7, 8, 1.0), TypeError, r"tiers\[0\]: the name must be a string, got 7 \(int\)"),
    (("fast", 8, "1.0"), TypeError, r"tiers\[0\]: the energy must be a number \(picojoules\), got '1.0' \(str\)"),
])
def test_mistyped_tiers_name_the_tier_and_value(tier, error, match):
    tiers = [tier, ("slow", None, 100.0)]
    with pytest.raises(error, match=match):
        sutro.hierarchy(tiers)
    with pytest.raises(error, match=r"^sutro::metrics::hierarchy: tiers\[0\]"):
        sutro.energy_estimate([0, 1], tiers=tiers)
    # numpy numbers are numbers.
    h = sutro.hierarchy([("fast", np.int64(8), np.float32(1.0)), ("slow", None, 100)])
    assert h["tiers"][0]["capacity_bytes"] == 8 and h["tiers"][1]["picojoules_per_access"] == 100.0


# --- docs/python.md: a float array where integers are expected is a TypeError, a negative count a ValueError


def test_float_addresses_are_a_type_error():
    with pytest.raises(TypeError, match=r"sutro.reuse_distance: addresses must be integers, got dtype float64"):
        sutro.reuse_distance(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"addresses must be non-negative, got -1 at index 1"):
        sutro.reuse_distance([2, -1])


def test_negative_counts_are_value_errors(tmp_path):
    p = tmp_path / "p.npy"
    sutro.save_bits(p, sutro.gf2_matrix(np.array([[1, 0, 1]], np.uint8)))
    task = sutro.make_task("parity", 20, 3, 42)
    cases = [
        (lambda: sutro.load_bits(p, -1), r"sutro::io::npy::read_bits: cols must be non-negative, got -1"),
        (lambda: sutro.energy_estimate([0, 1], cold=-1), r"energy_estimate: cold must be non-negative, got -1"),
        (lambda: sutro.energy_estimate([0, 1], unit_bytes=-4), r"energy_estimate: unit_bytes must be non-negative"),
        (lambda: sutro.energy_estimate([0, 1], register_bytes=-1), r"register_bytes must be non-negative, got -1"),
        (lambda: sutro.hierarchy(unit_bytes=-4), r"sutro::metrics::hierarchy: unit_bytes must be non-negative"),
        (lambda: sutro.price_events(-1, [0], [1]), r"dmd::price: n_inputs must be non-negative, got -1"),
        (lambda: sutro.price_events(1, [0], [1], bytes_per_element=-2), r"bytes_per_element must be non-negative"),
        (lambda: sutro.make_task("parity", -20, 3), r"sutro::tasks::sparse_task: n must be non-negative, got -20"),
        (lambda: sutro.make_task("parity", 20, 3, seed=-1), r"sparse_task: seed must be non-negative, got -1"),
        (lambda: sutro.Task("parity", 20, 3, 42, test_seed_offset=-1), r"test_seed_offset must be non-negative"),
        (lambda: task.dense("train", -1), r"sutro::tasks::dense: count must be non-negative, got -1"),
        (lambda: task.packed("train", 5, -1), r"sutro::tasks::packed: first must be non-negative, got -1"),
        (lambda: task.bits("train", -3), r"sutro::tasks::bits: count must be non-negative, got -3"),
        (lambda: sutro.GF2Matrix(-1, 3), r"sutro::gf2::matrix: rows must be non-negative, got -1"),
        (lambda: sutro.GF2Matrix.identity(-2), r"matrix::identity: n must be non-negative, got -2"),
        (lambda: sutro.GF2Matrix.random(2, -3, 1), r"matrix::random: cols must be non-negative, got -3"),
        (lambda: sutro.GF2Matrix.from_words(np.zeros((1, 1), np.uint64), -8), r"from_words: cols must be non-neg"),
        (lambda: sutro.GF2Matrix.from_packbits(np.zeros((1, 1), np.uint8), -8), r"from_packbits: cols must be non"),
        (lambda: sutro.kushilevitz_mansour(task, -1), r"kushilevitz_mansour: pairs_per_bit must be non-negative"),
        (lambda: sutro.kushilevitz_mansour(task, seed=-1), r"kushilevitz_mansour: seed must be non-negative"),
        (lambda: sutro.train_mlp(*task.dense("train", 8), *task.dense("test", 8), batch=-1, epochs=1),
         r"sutro::nn::train: batch must be non-negative, got -1"),
        (lambda: sutro.train_mlp(*task.dense("train", 8), *task.dense("test", 8), hidden=(-3,), epochs=1),
         r"sutro.train_mlp: hidden layer sizes must be non-negative, got -3 at index 0"),
        (lambda: _sutro.solve_packed("gf2_elimination", *task.packed("train", 30), "parity", -20, 3, 0.0, "pm1",
                                     None, {}), r"gf2_elimination: n must be non-negative, got -20"),
        (lambda: sutro.energy_estimate([0, 1], cold=2**64), r"cold = 18446744073709551616 is out of range"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()
    # numpy integers are integers; floats are still a TypeError.
    assert sutro.energy_estimate([0, 1], cold=np.uint64(1), unit_bytes=np.int32(4))["total_joules"] > 0
    with pytest.raises(TypeError):
        sutro.GF2Matrix(1.5, 2)
