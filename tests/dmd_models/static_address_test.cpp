// The sutro-problems static-address model: the README's baseline scores from
// programs written here in the challenge's format, the parser's rules, and
// malformed or random text refused with exceptions.
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/dmd/static_address_problems.hpp"

using namespace sutro::metrics::dmd;
using sutro::testing::thrown_message;

namespace {

std::string join(const std::vector<std::uint64_t>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  return s;
}

// The naive triple loop: A at 1.., B after it, C after B, one temporary.
std::string matmul_baseline(std::uint64_t n) {
  auto A = [&](std::uint64_t i, std::uint64_t j) { return 1 + i * n + j; };
  auto B = [&](std::uint64_t i, std::uint64_t j) { return 1 + n * n + i * n + j; };
  auto C = [&](std::uint64_t i, std::uint64_t j) { return 1 + 2 * n * n + i * n + j; };
  const auto tmp = 3 * n * n + 1;
  std::vector<std::uint64_t> in, out;
  for (std::uint64_t i = 0; i < n * n; ++i) in.push_back(1 + i);
  for (std::uint64_t i = 0; i < n * n; ++i) in.push_back(1 + n * n + i);
  for (std::uint64_t i = 0; i < n * n; ++i) out.push_back(1 + 2 * n * n + i);
  std::string s = join(in) + "\n";
  for (std::uint64_t i = 0; i < n; ++i)
    for (std::uint64_t j = 0; j < n; ++j) {
      s += "mul " + std::to_string(C(i, j)) + "," + std::to_string(A(i, 0)) + "," + std::to_string(B(0, j)) + "\n";
      for (std::uint64_t k = 1; k < n; ++k) {
        s += "mul " + std::to_string(tmp) + "," + std::to_string(A(i, k)) + "," + std::to_string(B(k, j)) + "\n";
        s += "add " + std::to_string(C(i, j)) + "," + std::to_string(tmp) + "\n";
      }
    }
  return s + join(out);
}

// 4x4 tiles copied into scratch cells 1..48 (sA, sB, sC), a temporary at 49,
// then A, B, C in bulk; sC is copied out after each (bi, bj) block.
std::string matmul_tiled_16() {
  constexpr std::uint64_t n = 16, T = 4, tmp = 3 * T * T + 1, Ab = tmp + 1, Bb = Ab + n * n, Cb = Bb + n * n;
  auto sA = [](std::uint64_t i, std::uint64_t k) { return 1 + i * T + k; };
  auto sB = [](std::uint64_t k, std::uint64_t j) { return 1 + T * T + k * T + j; };
  auto sC = [](std::uint64_t i, std::uint64_t j) { return 1 + 2 * T * T + i * T + j; };
  std::vector<std::uint64_t> in, out;
  for (std::uint64_t i = 0; i < 2 * n * n; ++i) in.push_back(Ab + i);
  for (std::uint64_t i = 0; i < n * n; ++i) out.push_back(Cb + i);
  std::string s = join(in) + "\n";
  auto op = [&](const char* o, std::uint64_t d, std::uint64_t a, std::uint64_t b = 0) {
    s += std::string(o) + " " + join(b ? std::vector{d, a, b} : std::vector{d, a}) + "\n";
  };
  for (std::uint64_t bi = 0; bi < n / T; ++bi)
    for (std::uint64_t bj = 0; bj < n / T; ++bj) {
      for (std::uint64_t bk = 0; bk < n / T; ++bk) {
        for (std::uint64_t i = 0; i < T; ++i)
          for (std::uint64_t k = 0; k < T; ++k) op("copy", sA(i, k), Ab + (bi * T + i) * n + bk * T + k);
        for (std::uint64_t k = 0; k < T; ++k)
          for (std::uint64_t j = 0; j < T; ++j) op("copy", sB(k, j), Bb + (bk * T + k) * n + bj * T + j);
        for (std::uint64_t i = 0; i < T; ++i)
          for (std::uint64_t j = 0; j < T; ++j)
            for (std::uint64_t k = 0; k < T; ++k) {
              op("mul", tmp, sA(i, k), sB(k, j));
              if (bk == 0 && k == 0)
                op("copy", sC(i, j), tmp);
              else
                op("add", sC(i, j), tmp);
            }
      }
      for (std::uint64_t i = 0; i < T; ++i)
        for (std::uint64_t j = 0; j < T; ++j) op("copy", Cb + (bi * T + i) * n + bj * T + j, sC(i, j));
    }
  return s + join(out);
}

// Compare each mirror pair in place, then AND the results into address 1.
std::string symmetry_baseline(std::uint64_t n) {
  std::vector<std::uint64_t> in;
  for (std::uint64_t i = 1; i <= n; ++i) in.push_back(i);
  std::string s = join(in) + "\n";
  for (std::uint64_t i = 0; i < n / 2; ++i)
    s += "cmp " + std::to_string(i + 1) + ", " + std::to_string(i + 1) + ", " + std::to_string(n - i) + ", eq\n";
  for (std::uint64_t k = 2; k <= n / 2; ++k) s += "and 1, " + std::to_string(k) + "\n";
  return s + "1";
}

// Try every candidate subset: a candidate's indicator is the AND over train
// rows of (label XOR parity XOR 1); a prediction ORs (indicator AND parity).
std::string sparse_parity_baseline(const sparse_parity_spec& sp) {
  const std::uint64_t n = sp.n_bits, k = sp.k_secret, mtr = sp.m_train, mte = sp.m_test;
  std::vector<std::vector<std::uint64_t>> cands;
  for (std::uint64_t m = 0; m < (1u << n); ++m)
    if (static_cast<std::uint64_t>(__builtin_popcountll(m)) == k) {
      std::vector<std::uint64_t> c;
      for (std::uint64_t b = 0; b < n; ++b)
        if (m >> b & 1) c.push_back(b);
      cands.push_back(c);
    }
  // itertools.combinations order: lexicographic on the sorted index tuples
  std::sort(cands.begin(), cands.end());
  const std::uint64_t nc = cands.size();
  const std::uint64_t pred = 1, xtr = pred + mte, ytr = xtr + n * mtr, xte = ytr + mtr, one = xte + n * mte,
                      tmp = one + 1, par = tmp + 1, matched = par + 1, ind = matched + nc * mtr, predt = ind + nc,
                      term = predt + 1;
  std::vector<std::uint64_t> in, out;
  for (std::uint64_t i = 0; i < n * mtr; ++i) in.push_back(xtr + i);
  for (std::uint64_t i = 0; i < mtr; ++i) in.push_back(ytr + i);
  for (std::uint64_t i = 0; i < n * mte; ++i) in.push_back(xte + i);
  for (std::uint64_t j = 0; j < mte; ++j) out.push_back(pred + j);
  std::string s = join(in) + "\n";
  auto emit = [&](const char* op, std::vector<std::uint64_t> a) { s += std::string(op) + " " + join(a) + "\n"; };
  emit("set", {one, 1});
  for (std::uint64_t t = 0; t < nc; ++t) {
    const auto& T = cands[t];
    for (std::uint64_t i = 0; i < mtr; ++i) {
      emit("xor", {tmp, ytr + i, xtr + i * n + T[0]});
      for (std::uint64_t q = 1; q + 1 < k; ++q) emit("xor", {tmp, xtr + i * n + T[q]});
      emit("xor", {par, tmp, xtr + i * n + T[k - 1]});
      emit("xor", {matched + t * mtr + i, par, one});
    }
    emit("and", {ind + t, matched + t * mtr, matched + t * mtr + 1});
    for (std::uint64_t i = 2; i < mtr; ++i) emit("and", {ind + t, matched + t * mtr + i});
  }
  for (std::uint64_t j = 0; j < mte; ++j) {
    for (std::uint64_t t = 0; t < nc; ++t) {
      const auto& T = cands[t];
      emit("xor", {predt, xte + j * n + T[0], xte + j * n + T[1]});
      for (std::uint64_t q = 2; q < k; ++q) emit("xor", {predt, xte + j * n + T[q]});
      emit("and", {term + t, ind + t, predt});
    }
    emit("or", {pred + j, term, term + 1});
    for (std::uint64_t t = 2; t < nc; ++t) emit("or", {pred + j, term + t});
  }
  return s + join(out);
}

template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST_CASE("static address: the README's baseline scores", "[dmd][static]") {
  CHECK(score_matmul("1,2;mul 3,1,2;3", 1) == 5);
  CHECK(score_matmul(matmul_baseline(4), 4) == 1'316);
  CHECK(score_matmul(matmul_baseline(16), 16) == 340'704);
  CHECK(score_matmul(matmul_tiled_16(), 16) == 133'783);
  CHECK(score_sparse_parity(sparse_parity_baseline(sparse_parity_small), sparse_parity_small) == 6'918);
  CHECK(score_sparse_parity(sparse_parity_baseline(sparse_parity_medium), sparse_parity_medium, 8) == 816'251);
  CHECK(score_symmetry(symmetry_baseline(6), 6) == 20);
  CHECK(score_symmetry(symmetry_baseline(8), 8) == 29);
}

TEST_CASE("static address: costs, reads and the output epilogue", "[dmd][static]") {
  CHECK(address_cost(1) == 1);
  CHECK(address_cost(2) == 2);
  CHECK(address_cost(4) == 2);
  CHECK(address_cost(5) == 3);
  CHECK(address_cost(UINT64_MAX) == (std::uint64_t{1} << 32));
  CHECK(address_cost((std::uint64_t{1} << 62) + 1) == (std::uint64_t{1} << 31) + 1);
  CHECK(address_cost(0) == 0);                                      // not an address; ceil(sqrt(0)), not 2^32
  CHECK(address_cost(0xFFFF'FFFE'0000'0001ULL) == 0xFFFF'FFFFULL);  // (2^32 - 1)^2
  CHECK(address_cost(0xFFFF'FFFE'0000'0002ULL) == (std::uint64_t{1} << 32));
  const auto p = parse_static("1,2\nmul 3,1,2\n3,3", ir_dialect::v0);
  CHECK(p.cost == 1 + 2 + 2 + 2);  // outputs listed twice are read twice
  CHECK(p.reads == 4);
  CHECK(run_static(p, std::vector<std::int64_t>{4, 5}) == std::vector<std::int64_t>{20, 20});
  // the short form reads its destination first
  CHECK(parse_static("5,9;add 5,9;5", ir_dialect::v0).cost == 3 + 3 + 3);
  CHECK(run_static(parse_static("5,9;add 5,9;5", ir_dialect::v0), std::vector<std::int64_t>{1, 2}) ==
        std::vector<std::int64_t>{3});
}

TEST_CASE("static address: v3 values wrap to signed 8 bits as the challenge's do", "[dmd][static]") {
  auto run1 = [](const std::string& body, std::vector<std::int64_t> in) {
    return run_static(parse_static("1,2\n" + body + "\n3", ir_dialect::v3), in).at(0);
  };
  CHECK(run1("add 3,1,2", {100, 100}) == -56);
  CHECK(run1("mul 3,1,2", {-128, -1}) == -128);
  CHECK(run1("div 3,1,2", {-7, 2}) == -4);  // floor division
  CHECK(run1("div 3,1,2", {7, -2}) == -4);
  CHECK(run1("abs 3,1", {-128, 0}) == -128);
  CHECK(run1("not 3,1", {0, 0}) == -1);
  CHECK(run1("xor 3,1,2", {-1, 1}) == -2);
  CHECK(run1("cmp 3,1,2,lt", {-1, 1}) == 1);
  CHECK(run1("cmp 3, 1 , 2 , ge", {-1, 1}) == 0);
  CHECK(run1("set 3,255", {0, 0}) == -1);
  CHECK(run1("set 3,-128", {0, 0}) == -128);
  CHECK(run1("set 4,7;select 3,1,2,4", {0, 9}) == 7);
  CHECK(run1("set 4,7;select 3,1,2,4", {5, 9}) == 9);
  CHECK(run1("copy 3,1", {300, 0}) == 44);
  CHECK(run1("select 3,1,1,2", {300, 0}) == 300);  // the scorer's select copies as is: no wrap
  CHECK_THROWS_AS(run1("div 3,1,2", {1, 0}), std::domain_error);
  // empty pieces are dropped in v3 and refused in v0
  CHECK(parse_static("1,,2,;add 3,,1,2;3,", ir_dialect::v3).cost == 1 + 2 + 2);
  CHECK_THROWS_AS(parse_static("1,,2;add 3,1,2;3", ir_dialect::v0), std::invalid_argument);
  // Python's int(): signs, leading zeros, single underscores
  CHECK(parse_static("+1,0_2;mul 0003,1,2;3", ir_dialect::v0).cost == 5);
  CHECK_THROWS_AS(parse_static("1,2;mul 3,1,2__0;3", ir_dialect::v0), std::invalid_argument);
  // v3's limits: addresses below 2^64, literals in [-128, 255]
  CHECK(parse_static("18446744073709551615;copy 1,18446744073709551615;1", ir_dialect::v3).cost ==
        (std::uint64_t{1} << 32) + 1);
  CHECK_THROWS_AS(parse_static("18446744073709551616;copy 1,1;1", ir_dialect::v3), std::invalid_argument);
  CHECK_THROWS_AS(parse_static("1;set 2,256;2", ir_dialect::v3), std::invalid_argument);
  CHECK_THROWS_AS(parse_static("1;set 2,-129;2", ir_dialect::v3), std::invalid_argument);
  // v3-only ops are unknown in v0
  CHECK_THROWS_AS(parse_static("1,2;xor 3,1,2;3", ir_dialect::v0), std::invalid_argument);
  CHECK(parse_static("1,2;xor 3,1,2;3", ir_dialect::v3).cost == 5);
}

TEST_CASE("static address: malformed programs name the function, line and token", "[dmd][static][errors]") {
  auto msg = [](const std::string& text, ir_dialect d) { return message_of([&] { (void)parse_static(text, d); }); };
  CHECK(msg("1,2", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 1: a program needs an input line and an output line");
  CHECK(msg("1,2\nmul 3,1,x\n3", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 2, token 'x': operand is not an integer");
  CHECK(msg("1,2\n\nmul 3,1,4\n3", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 3, token '4': reads an address never written");
  CHECK(msg("1,2\nfma 3,1,2\n3", ir_dialect::v3) ==
        "sutro::metrics::dmd::parse_static: line 2, token 'fma': unknown op");
  CHECK(msg("1,2\nmul 3,1,2\n4", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 3, token '4': output address never written");
  CHECK(msg("1,1\ncopy 3,1\n3", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 1, token '1': input addresses must be distinct");
  CHECK(msg("0,2;copy 3,2;3", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 1, token '0': input address must be a positive integer");
  CHECK(msg("1;cmp 2,1,1,eqq;2", ir_dialect::v3) ==
        "sutro::metrics::dmd::parse_static: line 1, token 'eqq': predicate must be one of eq, ne, lt, le, gt, ge");
  CHECK(msg("1;copy 2,1,1;2", ir_dialect::v3) ==
        "sutro::metrics::dmd::parse_static: line 1, token 'copy': needs 2 operands, got 3");
  CHECK(msg("1;copy -2,1;2", ir_dialect::v3) ==
        "sutro::metrics::dmd::parse_static: line 1, token '-2': destination must be an address from 1 to 2^64 - 1");
  CHECK(msg("1\ncopy\n2", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 2, token 'copy': an instruction needs operands");
  CHECK(msg("1\nx\xc3\xa9\n2", ir_dialect::v0) ==
        "sutro::metrics::dmd::parse_static: line 2: non-ASCII byte in the program text");
  CHECK(message_of([] { (void)score_matmul("1,2;add 3,1,2;3", 1); }) ==
        "sutro::metrics::dmd::score_matmul: output 0 is 4, expected 3");
  CHECK(message_of([] { (void)run_static(parse_static("1;1", ir_dialect::v0), std::vector<std::int64_t>{}); }) ==
        "sutro::metrics::dmd::run_static: the program declares 1 inputs; 0 given");
  std::string big = "1\n";
  for (int i = 0; i < 100'000; ++i) big += "copy 2,1\n";
  CHECK_THROWS_AS(parse_static(big + "2", ir_dialect::v3), std::invalid_argument);
  CHECK_NOTHROW(parse_static(big + "2", ir_dialect::v0));
}

TEST_CASE("static address: random and mutated text throws or parses, never crashes", "[dmd][static][errors]") {
  const std::string alphabet = "0123456789,; \n\r\t_-+abcdeglmnopqrstuvx\x1c\x0b";
  const std::string seeds[] = {matmul_baseline(2), symmetry_baseline(6), "1,2;mul 3,1,2;3",
                               "1,2\nset 4,7\nselect 3,1,2,4\ncmp 5,3,1,ne\n3,5"};
  std::mt19937_64 rng(12);
  std::size_t parsed = 0, refused = 0;
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string text;
    if (trial % 2) {
      const auto len = rng() % 40;
      for (std::uint64_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    } else {
      text = seeds[rng() % 4];
      for (int m = 0, edits = 1 + static_cast<int>(rng() % 4); m < edits && !text.empty(); ++m) {
        const auto at = rng() % text.size();
        switch (rng() % 3) {
          case 0:
            text[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            text.erase(at, 1);
            break;
          default:
            text.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
      }
    }
    for (auto d : {ir_dialect::v0, ir_dialect::v3}) {
      try {
        const auto p = parse_static(text, d);
        ++parsed;
        std::vector<std::int64_t> in(p.input_slots.size(), 1);
        try {
          (void)run_static(p, in);
        } catch (const std::domain_error&) {
        } catch (const std::overflow_error&) {
        }
      } catch (const std::invalid_argument& e) {
        ++refused;
        CHECK(std::string(e.what()).rfind("sutro::metrics::dmd::parse_static: line ", 0) == 0);
      }
    }
  }
  CHECK(parsed > 100);
  CHECK(refused > 1000);
}

TEST_CASE("static address: the meter prices C++ code the same way", "[dmd][static]") {
  const std::vector<std::uint64_t> in{1, 2};
  static_address_meter m(in);
  m.read(1);
  m.read(2);
  m.write(3);
  m.output(3);
  CHECK(m.cost() == 5);
  CHECK(m.reads() == 3);
  CHECK_THROWS_WITH(m.read(4), "sutro::metrics::dmd::static_address_meter::read: address 4 was never written");
  CHECK_THROWS_AS(m.write(0), std::invalid_argument);
}

TEST_CASE("static address: the meter's total is checked before it changes", "[dmd][static]") {
  // The meter's own wrap takes 2^32 reads of the top address; its checked add is the same helper.
  constexpr std::uint64_t top = UINT64_MAX, top_cost = std::uint64_t{1} << 32;
  std::uint64_t total = UINT64_MAX - top_cost;
  CHECK(detail::static_ir::add_address_cost(total, top));
  CHECK(total == UINT64_MAX);
  total = UINT64_MAX - top_cost + 1;
  CHECK_FALSE(detail::static_ir::add_address_cost(total, top));
  CHECK(total == UINT64_MAX - top_cost + 1);  // unchanged
  total = UINT64_MAX - 1;
  CHECK_FALSE(detail::static_ir::add_address_cost(total, 5));  // + 3
  CHECK(total == UINT64_MAX - 1);
  total = 5;
  CHECK(detail::static_ir::add_address_cost(total, 5));
  CHECK(total == 8);
}

TEST_CASE("static address: sparse parity refuses shapes and settings that check nothing", "[dmd][static]") {
  const std::string any = "1;1";  // arguments are checked before the text
  auto refused = [&](sparse_parity_spec s, std::size_t instances = 64, double threshold = 1.0) {
    return thrown_message([&] { (void)score_sparse_parity(any, s, instances, 1, threshold); });
  };
  const std::string at = "sutro::metrics::dmd::score_sparse_parity: ";
  // no train rows: every subset fits, and the draw would never end
  CHECK(refused({3, 2, 0, 4}) == at + "m_train 0 is below n_bits 3: the train rows may never single out the secret");
  CHECK(refused({8, 3, 7, 64}) == at + "m_train 7 is below n_bits 8: the train rows may never single out the secret");
  CHECK(refused({3, 2, 4, 0}) == at + "m_test 0 leaves no labels to check");
  CHECK(refused(sparse_parity_small, 0) == at + "instances 0 leaves no labels to check");
  CHECK(refused(sparse_parity_small, 64, std::nan("")) == at + "threshold nan is outside (0, 1]");
  CHECK(refused(sparse_parity_small, 64, 0.0) == at + "threshold 0 is outside (0, 1]");
  CHECK(refused(sparse_parity_small, 64, -0.5) == at + "threshold -0.5 is outside (0, 1]");
  CHECK(refused(sparse_parity_small, 64, 1.5) == at + "threshold 1.5 is outside (0, 1]");
  CHECK(refused({17, 3, 20, 4}) == at + "n_bits must be 1..16 and k_secret 1..n_bits, got n_bits 17, k_secret 3");
  CHECK(refused({3, 4, 4, 4}) == at + "n_bits must be 1..16 and k_secret 1..n_bits, got n_bits 3, k_secret 4");

  // k = n has one subset, so no train rows are needed: each label is the parity of its whole row
  std::string all = "1,2,3,4,5,6,7,8,9,10,11,12";
  for (int r = 0; r < 4; ++r) {
    const auto b = std::to_string(3 * r + 1), c = std::to_string(3 * r + 2), d = std::to_string(3 * r + 3);
    const auto o = std::to_string(13 + r);
    all += ";xor " + o + "," + b + "," + c + ";xor " + o + "," + d;
  }
  all += ";13,14,15,16";
  CHECK(score_sparse_parity(all, {3, 3, 0, 4}, 4) == static_cost(all, ir_dialect::v3));
  // a wrong program is still refused under a threshold: all-zero labels are right about half the time
  CHECK(thrown_message([&] {
          (void)score_sparse_parity("1,2,3,4,5,6,7,8,9,10,11,12;set 13,0;13,13,13,13", {3, 3, 0, 4}, 8, 1, 0.9);
        }).find(at) == 0);
}
