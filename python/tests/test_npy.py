"""numpy round trips of every dtype through sutro::io::npy, both ways, and
numpy's Fortran-order files read in C order."""
import numpy as np
import pytest

import sutro

SHAPES = [(), (0,), (1,), (63,), (64,), (65,), (3, 4), (0, 5), (2, 3, 4)]
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_,
          np.int8, np.int16, np.uint16, np.uint32, np.uint64]
NEW_INTEGERS = [np.int8, np.int16, np.uint16, np.uint32, np.uint64]
BIG_ENDIAN = [">f8", ">f4", ">i4", ">i8", ">i2", ">u2", ">u4", ">u8"]


def random_array(rng, shape, dtype):
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        return (rng.standard_normal(shape) * 1e3).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_numpy_writes_sutro_reads_and_back(tmp_path, dtype, shape):
    rng = np.random.default_rng(7)
    a = random_array(rng, shape, dtype)
    np.save(tmp_path / "a.npy", a)
    b = sutro.load(tmp_path / "a.npy")
    assert b.dtype == a.dtype and b.shape == a.shape
    assert np.array_equal(a, b)
    sutro.save(tmp_path / "b.npy", a)
    c = np.load(tmp_path / "b.npy")
    assert c.dtype == a.dtype and c.shape == a.shape
    assert np.array_equal(a, c)
    # Our bytes are numpy's bytes.
    assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()


@pytest.mark.parametrize("dtype", BIG_ENDIAN)
def test_big_endian_is_read(tmp_path, dtype):
    a = np.arange(-5, 6).astype(dtype)
    np.save(tmp_path / "a.npy", a)
    b = sutro.load(tmp_path / "a.npy")
    assert np.array_equal(a, b) and b.dtype.byteorder in "=<|"


def saved_fortran_order(path):
    """The 'fortran_order' entry of a .npy file's header."""
    with open(path, "rb") as fh:
        major, _ = np.lib.format.read_magic(fh)
        read = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        return read(fh)[1]


# Shapes numpy saves with fortran_order True: at least two dimensions longer
# than 1 (an array with fewer, or with no elements, is C- and F-contiguous alike).
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3), (3, 2), (2, 1, 3), (2, 3, 4), (4, 1, 3, 2), (63, 65)])
def test_fortran_order_files_load_in_c_order(tmp_path, dtype, shape):
    rng = np.random.default_rng(8)
    a = np.asfortranarray(random_array(rng, shape, dtype))
    np.save(tmp_path / "f.npy", a)
    np.save(tmp_path / "t.npy", random_array(rng, shape[::-1], dtype).T)  # a transpose: Fortran-contiguous
    for name in ("f.npy", "t.npy"):
        assert saved_fortran_order(tmp_path / name)  # the case under test, not a C-order file
        expected = np.load(tmp_path / name)
        b = sutro.load(tmp_path / name)
        assert b.dtype == expected.dtype and b.shape == expected.shape
        assert np.array_equal(b, expected)


def test_unsupported_and_broken_files_raise_with_the_cpp_message(tmp_path):
    np.save(tmp_path / "c.npy", np.zeros(3, dtype=np.complex128))
    with pytest.raises(ValueError, match="unsupported dtype '<c16'"):
        sutro.load(tmp_path / "c.npy")
    (tmp_path / "t.npy").write_bytes((tmp_path / "c.npy").read_bytes()[:20])
    with pytest.raises(ValueError, match="npy:"):
        sutro.load(tmp_path / "t.npy")
    with pytest.raises(FileNotFoundError, match="missing.npy"):  # an OSError, as from numpy.load
        sutro.load(tmp_path / "missing.npy")
    with pytest.raises(ValueError, match="dtype not supported"):
        sutro.save(tmp_path / "f2.npy", np.zeros(2, dtype=np.float16))


@pytest.mark.parametrize("bitorder", ["big", "little"])
@pytest.mark.parametrize("rows,cols", [(0, 5), (1, 1), (3, 7), (4, 8), (2, 9), (5, 63), (5, 64), (5, 65), (3, 130)])
def test_packbits_files_both_ways(tmp_path, bitorder, rows, cols):
    rng = np.random.default_rng(rows * 1000 + cols)
    a = rng.integers(0, 2, (rows, cols)).astype(bool)
    np.save(tmp_path / "p.npy", np.packbits(a, axis=1, bitorder=bitorder))
    m = sutro.load_bits(tmp_path / "p.npy", cols, bitorder)
    assert m.shape == (rows, cols)
    assert np.array_equal(sutro.gf2.to_numpy(m), a)
    # The same rows saved column-major (np.save of a Fortran-contiguous array) read the same.
    np.save(tmp_path / "f.npy", np.asfortranarray(np.packbits(a, axis=1, bitorder=bitorder)))
    assert saved_fortran_order(tmp_path / "f.npy") == (rows > 1 and (cols + 7) // 8 > 1)
    assert np.array_equal(sutro.gf2.to_numpy(sutro.load_bits(tmp_path / "f.npy", cols, bitorder)), a)
    sutro.save_bits(tmp_path / "q.npy", m, bitorder)
    back = np.unpackbits(np.load(tmp_path / "q.npy"), axis=1, count=cols, bitorder=bitorder).astype(bool)
    assert np.array_equal(back.reshape(rows, cols), a)


def test_packbits_padding_bits_are_refused(tmp_path):
    np.save(tmp_path / "p.npy", np.array([[0xFF, 0xC0]], dtype=np.uint8))  # column 9 set, 9 columns
    with pytest.raises(ValueError, match="beyond column 9"):
        sutro.load_bits(tmp_path / "p.npy", 9)


@pytest.mark.parametrize("dtype", BIG_ENDIAN)
def test_big_endian_is_saved_in_native_order(tmp_path, dtype):
    # The values are kept; the file is numpy's for the array in native byte order.
    a = np.arange(-3, 3).astype(dtype).reshape(2, 3)
    sutro.save(tmp_path / "a.npy", a)
    b = np.load(tmp_path / "a.npy")
    assert np.array_equal(a, b) and b.dtype == a.dtype.newbyteorder("=")
    np.save(tmp_path / "n.npy", a.astype(a.dtype.newbyteorder("=")))
    assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "n.npy").read_bytes()


@pytest.mark.parametrize("array", [np.zeros(3, np.float16), np.array([1, "x"], dtype=object),
                                   np.array(["abc", "de"]), np.zeros(2, np.complex64)])
def test_unsupported_dtypes_are_a_value_error_naming_the_dtype(tmp_path, array):
    with pytest.raises(ValueError, match=rf"sutro.save: dtype not supported: {array.dtype} \(float32, float64"):
        sutro.save(tmp_path / "x.npy", array)


def test_a_corrupt_header_byte_is_quoted_in_the_message(tmp_path):
    # A byte outside printable ASCII in the header is quoted as \xHH, so the
    # message stays valid text: raw, it made Python raise UnicodeDecodeError
    # instead of the C++ message.
    np.save(tmp_path / "a.npy", np.arange(3.0))
    data = bytearray((tmp_path / "a.npy").read_bytes())
    data[data.index(b"descr") + 4] = 0xF5
    (tmp_path / "a.npy").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"unexpected header key 'desc\\xf5'") as e:
        sutro.load(tmp_path / "a.npy")
    assert not isinstance(e.value, UnicodeDecodeError)


@pytest.mark.parametrize("dtype", NEW_INTEGERS)
@pytest.mark.parametrize("shape", [(), (0,), (1,), (3, 5)])
def test_narrow_and_unsigned_integers_both_ways(tmp_path, dtype, shape):
    # The extremes of the type are among the values; -1 and 1 for a signed one (+-1 data).
    info = np.iinfo(dtype)
    a = np.resize(np.array([info.min, info.max, 0, 1, -1 if info.min else info.max // 3], dtype=dtype), shape)
    np.save(tmp_path / "a.npy", a)
    b = sutro.load(tmp_path / "a.npy")
    expected = np.load(tmp_path / "a.npy")
    assert b.dtype == expected.dtype == np.dtype(dtype) and b.shape == expected.shape == shape
    assert np.array_equal(b, expected)
    sutro.save(tmp_path / "b.npy", a)
    c = np.load(tmp_path / "b.npy")
    assert c.dtype == np.dtype(dtype) and c.shape == shape
    assert np.array_equal(c, a)
    assert (tmp_path / "a.npy").read_bytes() == (tmp_path / "b.npy").read_bytes()


@pytest.mark.parametrize("dtype", NEW_INTEGERS)
def test_narrow_and_unsigned_integers_fortran_order_and_big_endian(tmp_path, dtype):
    rng = np.random.default_rng(9)
    a = random_array(rng, (3, 5), dtype)
    for name, stored in [("f.npy", np.asfortranarray(a)),
                         ("be.npy", a.astype(np.dtype(dtype).newbyteorder(">"))),
                         ("fbe.npy", np.asfortranarray(a.astype(np.dtype(dtype).newbyteorder(">"))))]:
        np.save(tmp_path / name, stored)
        assert saved_fortran_order(tmp_path / name) == name.startswith("f")
        expected = np.load(tmp_path / name)
        b = sutro.load(tmp_path / name)
        assert b.dtype == np.dtype(dtype) and b.dtype.isnative and b.shape == expected.shape
        assert np.array_equal(b, expected) and np.array_equal(b, a)
        sutro.save(tmp_path / "back.npy", expected)
        assert np.array_equal(np.load(tmp_path / "back.npy"), a)


def test_a_file_of_an_unsupported_dtype_names_the_supported_set(tmp_path):
    np.save(tmp_path / "h.npy", np.zeros(3, dtype=np.float16))
    with pytest.raises(ValueError, match=r"unsupported dtype '<f2' \(f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1"):
        sutro.load(tmp_path / "h.npy")
    with pytest.raises(ValueError, match=r"sutro.save: dtype not supported: float16 \(float32, float64, int8, int16, "
                                         r"int32, int64, uint8, uint16, uint32, uint64, bool\)"):
        sutro.save(tmp_path / "h2.npy", np.zeros(3, dtype=np.float16))
    # The extension's writer, reached without sutro.save's check, refuses it too.
    with pytest.raises(ValueError, match=r"sutro::io::npy::write: dtype not supported \(float32, float64, int8, int16, "
                                         r"int32, int64, uint8, uint16, uint32, uint64, bool\)"):
        sutro._sutro.npy_write(str(tmp_path / "h3.npy"), np.zeros(3, dtype=np.float16), [3])
