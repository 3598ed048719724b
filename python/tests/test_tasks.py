"""Task generators: every kind, both encodings, noise; the three forms agree."""
import numpy as np
import pytest

import sutro

KINDS = ["parity", "sum", "and", "majority", "threshold"]


def labels_from_secret(kind, enc, b, secret, k, t):
    ones = b[:, secret].sum(axis=1).astype(np.int64)
    pm = enc == "pm1"
    if kind == "parity":
        return np.where(ones % 2, -1, 1) if pm else ones % 2
    if kind == "sum":
        return k - 2 * ones if pm else ones
    if kind == "and":
        return (ones == 0).astype(int) if pm else (ones == k).astype(int)
    vote = k - 2 * ones if pm else 2 * ones - k
    return np.where(vote >= t, 1, -1) if pm else (vote >= t).astype(int)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("enc", ["pm1", "01"])
@pytest.mark.parametrize("n", [1, 20, 63, 64, 65, 130])
def test_forms_agree_and_labels_follow_the_secret(kind, enc, n):
    k = min(3, n)
    task = sutro.make_task(kind, n, k, 42, encoding=enc)
    assert task.n == n and task.k == k and task.kind == kind
    secret = task.secret
    assert secret.dtype == np.uint32 and len(secret) == k and list(secret) == sorted(set(secret.tolist()))
    b, yb = task.bits("train", 300)
    x, y = task.dense("train", 300)
    words, labels = task.packed("train", 300)
    assert b.shape == (300, n) and x.shape == (300, n) and x.dtype == np.float32
    assert words.shape == (300, (n + 63) // 64) and words.dtype == np.uint64
    assert np.array_equal(x, 1 - 2 * b.astype(np.float32) if enc == "pm1" else b.astype(np.float32))
    assert np.array_equal(sutro.pack_rows(x, enc), words)
    assert np.array_equal(sutro.unpack_rows(words, n), b)
    assert np.array_equal(labels, yb) and np.array_equal(y, labels.astype(np.float32))
    want = labels_from_secret(kind, enc, b, secret, k, task.threshold)
    assert np.array_equal(labels, want)


def test_noise_on_train_only_and_determinism():
    task = sutro.make_task("parity", 20, 3, 7, noise=0.2)
    b, y = task.bits("train", 4000)
    clean = labels_from_secret("parity", "pm1", b, task.secret, 3, 0)
    flipped = np.mean(clean != y)
    assert 0.17 < flipped < 0.23
    bt, yt = task.bits("test", 2000)
    assert np.array_equal(yt, labels_from_secret("parity", "pm1", bt, task.secret, 3, 0))
    again = sutro.make_task("parity", 20, 3, 7, noise=0.2)
    assert np.array_equal(again.packed("train", 100)[0], task.packed("train", 100)[0])
    # Rows [50, 100) generated on their own are the same rows.
    assert np.array_equal(task.packed("train", 50, first=50)[0], task.packed("train", 100)[0][50:])
    # The test split is the train split of seed + 1000.
    other = sutro.make_task("parity", 20, 3, 1007)
    assert np.array_equal(other.packed("train", 30)[0], task.packed("test", 30)[0])


def test_zero_copy_out_and_errors():
    task = sutro.make_task("parity", 20, 3, 1)
    words, _ = task.packed("train", 10)
    assert words.flags.owndata is False and words.base is not None  # a C++ buffer, adopted
    with pytest.raises(ValueError, match=r"sutro::tasks::sparse_parity\(n=20, k=21.*k must not exceed n"):
        sutro.make_task("parity", 20, 21, 1)
    with pytest.raises(ValueError, match="noise rate p must be in"):
        sutro.make_task("parity", 20, 3, 1, noise=0.5)
    with pytest.raises(ValueError, match="unknown task kind 'xor'"):
        sutro.make_task("xor", 20, 3, 1)
    with pytest.raises(ValueError, match="sample count must be positive"):
        task.packed("train", 0)
    with pytest.raises(ValueError, match="test_seed_offset = 0"):
        sutro.make_task("parity", 20, 3, 1, test_seed_offset=0)
