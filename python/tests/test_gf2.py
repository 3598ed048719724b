"""GF(2) matrices from and to numpy, and every operation against a numpy reference."""
import numpy as np
import pytest

import sutro
from sutro.gf2 import gf2_matrix, to_numpy

SIZES = [0, 1, 63, 64, 65]


def ref_rank(a):
    a = a.copy().astype(bool)
    r = 0
    for c in range(a.shape[1]):
        piv = [i for i in range(r, a.shape[0]) if a[i, c]]
        if not piv:
            continue
        a[[r, piv[0]]] = a[[piv[0], r]]
        for i in range(a.shape[0]):
            if i != r and a[i, c]:
                a[i] ^= a[r]
        r += 1
    return r, a


def rand(rng, r, c):
    return rng.integers(0, 2, (r, c)).astype(bool)


@pytest.mark.parametrize("r", SIZES)
@pytest.mark.parametrize("c", SIZES)
def test_round_trips(r, c):
    rng = np.random.default_rng(r * 100 + c)
    a = rand(rng, r, c)
    m = gf2_matrix(a)
    assert m.shape == (r, c)
    assert np.array_equal(to_numpy(m), a)
    assert np.array_equal(to_numpy(gf2_matrix(a.astype(np.uint8))), a)
    for order in ("big", "little"):
        p = np.packbits(a, axis=1, bitorder=order)
        assert gf2_matrix(p, cols=c, bitorder=order) == m
        assert np.array_equal(m.to_packbits(order), p.reshape(r, (c + 7) // 8))
    w = m.words  # a view of the C++ storage, no copy
    assert w.shape == (r, (c + 63) // 64)
    if w.size:
        assert not w.flags.writeable and w.base is not None
    assert gf2_matrix(np.ascontiguousarray(w), cols=c) == m
    assert np.array_equal(sutro.unpack_rows(w, c), a.astype(np.uint8))


@pytest.mark.parametrize("n", SIZES)
def test_multiply_rank_echelon(n):
    rng = np.random.default_rng(n)
    a, b = rand(rng, n, n + 3), rand(rng, n + 3, 65)
    prod = (a.astype(np.int64) @ b.astype(np.int64)) % 2
    assert np.array_equal(to_numpy(gf2_matrix(a) @ gf2_matrix(b)), prod.astype(bool))
    assert np.array_equal(to_numpy(gf2_matrix(a) + gf2_matrix(a)), np.zeros_like(a))
    rank, rref = ref_rank(a)
    m = gf2_matrix(a)
    assert m.rank() == rank
    form, pivots, r = m.echelon(reduced=True)
    assert r == rank and len(pivots) == rank
    assert np.array_equal(to_numpy(form), rref)
    assert np.array_equal(to_numpy(m.transpose()), a.T)


@pytest.mark.parametrize("n", SIZES)
def test_ple_solve_kernel_inverse(n):
    rng = np.random.default_rng(10 + n)
    a = rand(rng, n + 2, n)
    m = gf2_matrix(a)
    f = m.ple()
    pa = a[f["perm"].astype(np.int64)] if n + 2 else a
    le = (to_numpy(f["l"]).astype(np.int64) @ to_numpy(f["e"]).astype(np.int64)) % 2
    assert np.array_equal(pa.astype(np.int64), le) and f["rank"] == ref_rank(a)[0]
    k = m.kernel()
    assert not ((a.astype(np.int64) @ to_numpy(k).astype(np.int64)) % 2).any()
    assert k.cols == n - ref_rank(a)[0]
    x0 = rand(rng, n, 1)[:, 0]
    b = (a.astype(np.int64) @ x0.astype(np.int64)) % 2
    ok, x, null = sutro.gf2.solve(m, b)
    assert ok and np.array_equal((a.astype(np.int64) @ x.astype(np.int64)) % 2, b)
    # Invertible: a random lower-unit times upper-unit matrix.
    lo = np.tril(rand(rng, n, n), -1) | np.eye(n, dtype=bool)
    up = np.triu(rand(rng, n, n), 1) | np.eye(n, dtype=bool)
    inv_in = ((lo.astype(np.int64) @ up.astype(np.int64)) % 2).astype(bool)
    inv = gf2_matrix(inv_in).inverse()
    assert np.array_equal(to_numpy(gf2_matrix(inv_in) @ inv), np.eye(n, dtype=bool))


def test_errors_carry_the_cpp_message():
    with pytest.raises(ValueError, match="entry .* is 2, expected 0 or 1"):
        gf2_matrix(np.array([[0, 2]]))
    with pytest.raises(ValueError, match="sutro::gf2"):
        gf2_matrix(np.ones((2, 3), bool)) @ gf2_matrix(np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="singular|not invertible|inverse"):
        gf2_matrix(np.ones((2, 2), bool)).inverse()
    with pytest.raises(ValueError, match="beyond column 9"):
        gf2_matrix(np.array([[0xFF, 0xFF]], np.uint8), cols=9)


def gf2_mul(a, b):
    return (a.astype(np.int64) @ b.astype(np.int64)) % 2


@pytest.mark.parametrize("m", SIZES)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("deficient", [False, True])
def test_pluq_reconstructs_and_kernels_vanish(m, n, deficient):
    rng = np.random.default_rng(1000 * m + 10 * n + deficient)
    a = rand(rng, m, n)
    if deficient and m and n:
        # Rank at most min(m, n) // 2 + 1: a product through a thin middle.
        t = min(m, n) // 2 + 1
        a = gf2_mul(rand(rng, m, t), rand(rng, t, n)).astype(bool)
    rank, rref = ref_rank(a)
    f = gf2_matrix(a).pluq()
    r = f["rank"]
    assert r == rank
    p, q = f["row_perm"].astype(np.int64), f["col_perm"].astype(np.int64)
    assert sorted(p.tolist()) == list(range(m)) and sorted(q.tolist()) == list(range(n))
    l, u = to_numpy(f["l"]), to_numpy(f["u"])
    assert l.shape == (m, r) and u.shape == (r, n)
    # L unit lower trapezoidal, U unit upper trapezoidal.
    assert np.array_equal(np.tril(l), l) and np.array_equal(np.triu(u), u)
    assert l[np.arange(r), np.arange(r)].all() and u[np.arange(r), np.arange(r)].all()
    # P A Q = L U.
    assert np.array_equal(a[p][:, q], gf2_mul(l, u).astype(bool))
    # The column rank profile: the pivot columns of the reduced echelon form, increasing, first in Q;
    # the other columns follow in order.
    ref_pivots = [int(np.argmax(row)) for row in rref[:rank]]
    assert f["pivots"].tolist() == ref_pivots == q[:r].tolist()
    assert q[r:].tolist() == sorted(q[r:].tolist())
    # Kernels of full dimension that annihilate A.
    k = to_numpy(gf2_matrix(a).right_kernel())
    assert k.shape == (n, n - rank) and not gf2_mul(a, k).any() and ref_rank(k)[0] == n - rank
    y = to_numpy(gf2_matrix(a).left_kernel())
    assert y.shape == (m - rank, m) and not gf2_mul(y, a).any() and ref_rank(y)[0] == m - rank
    assert np.array_equal(to_numpy(gf2_matrix(a).permute_columns(q.tolist())), a[:, q])


def test_permute_columns_error():
    with pytest.raises(ValueError, match="sutro::gf2::permute_columns: 2 indices for a 3"):
        gf2_matrix(np.eye(3, dtype=bool)).permute_columns([0, 1])
