// Blocked triangular solves: split L = [L11 0; L21 L22] at a multiple of 64
// rows, X1 = L11^-1 B1, B2 += L21 X1 (the fast product), X2 = L22^-1 B2; the
// upper case mirrors it. Almost all the work lands in the product; the
// diagonal blocks below `trsm::base_rows` rows use row substitution.

namespace trsm {
// Zen 4, single thread, best of 5 (8192^2, two runs): echelonize 35.0-36.0 ms
// with 64, 35.9-36.6 with 128, 37.3-38.7 with 256; inverse 124-128 ms with
// 64, 135-136 with 256. Diagonal blocks of at most 64 rows leave the
// products k >= 64, which the GFNI kernel takes.
inline constexpr std::size_t base_rows = 64;
// Solves of at least this many bits of L's rows times X's columns are shared
// by a team (1024 x 512 and up: a hundred microseconds and more).
inline constexpr std::size_t min_team_bits = std::size_t{1} << 19;
// Without a current team, solves from this size start one (a thread costs
// tens of microseconds to start; a 2048 x 2048 solve takes milliseconds).
inline constexpr std::size_t min_own_team_bits = std::size_t{1} << 22;
template <class W>
detail::block<W> sub(detail::block<W> m, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols) noexcept {
  return {m.data + r0 * m.stride + c0 / 64, rows, cols, m.stride};
}
}  // namespace trsm

// X's columns are independent: the members of a team each solve a
// contiguous share of them, whole 512-bit groups, on their own thread. The
// current team (thread_team::current, an elimination's), else one started
// for a large solve (an inverse's). False where there is too little to share.
template <class Solve>
bool trsm_on_team(detail::mblock x, std::size_t n, unsigned threads, Solve&& solve) {
  const std::size_t groups = (x.words() + 7) / 8, bits = n * x.cols;
  if (groups < 2 || bits < trsm::min_team_bits) return false;
  std::optional<cpu::thread_team> own;
  cpu::thread_team* team = cpu::current_or_own(threads, bits >= trsm::min_own_team_bits, own);
  if (team == nullptr) return false;
  memory::stats& counter = detail::scratch_stats();
  team->run([&](unsigned member, unsigned members) {
    const detail::scratch_scope scope(&counter);  // the members' products count with the caller's scratch
    const std::size_t c0 = std::min(x.cols, 512 * (groups * member / members)),
                      c1 = std::min(x.cols, 512 * (groups * (member + 1) / members));
    if (c1 > c0) solve(detail::mblock{x.data + c0 / 64, x.rows, c1 - c0, x.stride});
  });
  return true;
}

inline void trsm_lower(detail::mblock x, detail::cblock l, unsigned threads) {
  if (threads > 1 && trsm_on_team(x, l.rows, threads, [&](detail::mblock share) { trsm_lower(share, l, 1); })) return;
  const std::size_t n = l.rows, k = x.cols;
  if (n <= trsm::base_rows || k == 0) return trsm_lower_rowwise(level_tag{}, x, l);
  const std::size_t h = (n / 2 + 63) / 64 * 64;
  const detail::mblock x1 = trsm::sub(x, 0, h, 0, k), x2 = trsm::sub(x, h, n - h, 0, k);
  trsm_lower(x1, trsm::sub(l, 0, h, 0, h), threads);
  mul_add(x2, trsm::sub(l, h, n - h, 0, h), x1, threads);
  trsm_lower(x2, trsm::sub(l, h, n - h, h, n - h), threads);
}

inline void trsm_upper(detail::mblock x, detail::cblock u, unsigned threads) {
  if (threads > 1 && trsm_on_team(x, u.rows, threads, [&](detail::mblock share) { trsm_upper(share, u, 1); })) return;
  const std::size_t n = u.rows, k = x.cols;
  if (n <= trsm::base_rows || k == 0) return trsm_upper_rowwise(level_tag{}, x, u);
  const std::size_t h = (n / 2 + 63) / 64 * 64;
  const detail::mblock x1 = trsm::sub(x, 0, h, 0, k), x2 = trsm::sub(x, h, n - h, 0, k);
  trsm_upper(x2, trsm::sub(u, h, n - h, h, n - h), threads);
  mul_add(x1, trsm::sub(u, 0, h, h, n - h), x2, threads);
  trsm_upper(x1, trsm::sub(u, 0, h, 0, h), threads);
}
