#pragma once
// Generators of sparse parity, sum, AND, majority and threshold (spec.hpp).
//
//   auto task = sutro::tasks::sparse_parity(20, 3, /*seed*/ 42);       // +-1, noiseless
//   auto noisy = sutro::tasks::sparse_parity(20, 3, 42, {.noise = 0.1});
//   auto vote = sutro::tasks::sparse_majority(20, 3, 42);
//   auto train = task.packed(sutro::tasks::split::train, 500);   // bits + labels
//   auto test = task.dense(sutro::tasks::split::test, 500);      // floats, clean labels
//   task.for_each_chunk(sutro::tasks::split::train, 1'000'000, 65536,
//                       [](std::uint64_t first, const sutro::tasks::packed_samples& c) { ... });
//
// Sample i of a split is a pure function of (data key, i) through Philox, so
// any order, chunking, thread or backend gives the same data. Every key is
// derived from (seed, kind, n, k) (streams.hpp): the secret's and the train
// data's from `seed`, the test data's from `seed + test_seed_offset` (1000, the
// group's challenge protocol: the test inputs are the train inputs of the same
// task drawn with seed + 1000, labelled by this task's secret; an offset of 0
// is refused). Noise is applied to train labels only.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/backend/tags.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/secret.hpp"
#include "sutro/tasks/spec.hpp"
#include "sutro/tasks/streams.hpp"

namespace sutro::tasks {

enum class split { train, test };

/// Refuses test_seed_offset = 0, which would make the test split the train split.
inline void check_test_offset(std::uint64_t test_seed_offset, const char* function) {
  if (test_seed_offset == 0)
    throw std::invalid_argument(std::string("sutro::tasks::") + function +
                                ": test_seed_offset = 0 makes the test split equal to the train split");
}

struct task_options {
  double noise = 0.0;
  encoding enc = encoding::plus_minus_one;
  std::uint64_t test_seed_offset = 1000;         ///< test data: the data stream of seed + offset; not 0
  std::int32_t threshold = threshold_k_minus_1;  ///< sparse_threshold's t
};

/// Stateless description of where sample i's bits come from; usable in device code.
struct sample_source {
  std::uint64_t data_key = 0;         ///< Philox key of the split's data stream
  std::uint32_t noise_threshold = 0;  ///< label corrupted when a uniform 32-bit draw is below it
  bool noisy = false;

  /// Writes row_words words of sample i (padding bits cleared) and returns the
  /// auxiliary word (its low 32 bits decide noise, bit 32 the direction for sum).
  SUTRO_HOST_DEVICE std::uint64_t bits(std::uint64_t i, std::size_t n, std::size_t row_words,
                                       std::uint64_t* out) const {
    const philox4x32 rng{data_key};
    std::uint64_t aux = 0;
    for (std::size_t w = 0; w <= row_words; w += 2) {
      std::uint64_t a, b;
      rng.words(i, detail::purpose_sample, static_cast<std::uint32_t>(w / 2), a, b);
      if (w < row_words)
        out[w] = a;
      else
        aux = a;
      if (w + 1 < row_words)
        out[w + 1] = b;
      else if (w + 1 == row_words)
        aux = b;
    }
    if (n % 64) out[row_words - 1] &= (~std::uint64_t{0}) >> (64 - n % 64);
    return aux;
  }
};

namespace detail {
SUTRO_HOST_DEVICE unsigned popcount64(std::uint64_t w) {
#if defined(__CUDA_ARCH__)
  return static_cast<unsigned>(__popcll(w));
#else
  return static_cast<unsigned>(std::popcount(w));
#endif
}
}  // namespace detail

// The label rules as free functions of the spec, shared by the host generator
// and the device kernels (tasks/cuda), so both give the same labels.

/// The clean label when `ones` of the k subset bits are 1 (x_i = -1); `t`
/// is threshold_of(spec), read by majority and threshold only.
[[nodiscard]] SUTRO_HOST_DEVICE std::int32_t label_from_count(task_kind kind, encoding enc, std::size_t ones,
                                                              std::size_t k, std::int32_t t = 0) {
  const bool pm = enc == encoding::plus_minus_one;
  const auto o = static_cast<std::int32_t>(ones), kk = static_cast<std::int32_t>(k);
  switch (kind) {
    case task_kind::parity:
      return pm ? ((o & 1) ? -1 : 1) : (o & 1);
    case task_kind::sum:
      return pm ? kk - 2 * o : o;
    case task_kind::and_:
      return pm ? (o == 0 ? 1 : 0) : (o == kk ? 1 : 0);
    case task_kind::majority:
    case task_kind::threshold:
      return pm ? (kk - 2 * o >= t ? 1 : -1) : (2 * o - kk >= t ? 1 : 0);
  }
  return 0;
}

/// The noisy label: binary labels flip; sum steps up or down (bit 32 of aux).
[[nodiscard]] SUTRO_HOST_DEVICE std::int32_t corrupt_label(task_kind kind, encoding enc, std::size_t k, std::int32_t y,
                                                           std::uint64_t aux) {
  const bool pm = enc == encoding::plus_minus_one;
  switch (kind) {
    case task_kind::parity:
    case task_kind::majority:
    case task_kind::threshold:
      return pm ? -y : 1 - y;
    case task_kind::and_:
      return 1 - y;
    case task_kind::sum: {
      const std::int32_t step = pm ? 2 : 1;
      const auto lo = pm ? -static_cast<std::int32_t>(k) : 0;
      const auto hi = static_cast<std::int32_t>(k);
      bool up = (aux >> 32) & 1u;
      if (y == lo) up = true;
      if (y == hi) up = false;
      return up ? y + step : y - step;
    }
  }
  return y;
}

/// The label of generated row `row` (row_words words) under secret `mask`,
/// with the noise decided by `aux` (what sample_source::bits returned).
[[nodiscard]] SUTRO_HOST_DEVICE std::int32_t sample_label(const task_spec& spec, const sample_source& src,
                                                          const std::uint64_t* row, const std::uint64_t* mask,
                                                          std::size_t row_words, std::uint64_t aux) {
  std::size_t ones = 0;
  for (std::size_t w = 0; w < row_words; ++w) ones += detail::popcount64(row[w] & mask[w]);
  std::int32_t y = label_from_count(spec.kind, spec.enc, ones, spec.k, threshold_of(spec));
  if (src.noisy && static_cast<std::uint32_t>(aux) < src.noise_threshold)
    y = corrupt_label(spec.kind, spec.enc, spec.k, y, aux);
  return y;
}

/// The label as a GF(2) bit (packed_samples::label_bit).
[[nodiscard]] SUTRO_HOST_DEVICE unsigned label_bit(encoding enc, std::int32_t y) {
  return enc == encoding::plus_minus_one ? (y < 0 ? 1u : 0u) : static_cast<unsigned>(y & 1);
}

/// Where the rows of a split of the task with `seed` come from: the data
/// stream of (seed, kind, n, k) for train, of (seed + test_seed_offset, kind,
/// n, k) for test. Callers check the offset (an offset of 0 makes test = train).
[[nodiscard]] SUTRO_HOST_DEVICE sample_source make_source(const task_spec& spec, split s, std::uint64_t seed,
                                                          std::uint64_t test_seed_offset) {
  sample_source src;
  src.data_key =
      stream_key(s == split::train ? seed : seed + test_seed_offset, spec.kind, spec.n, spec.k, stream::data);
  src.noisy = s == split::train && spec.noise > 0.0;
  const double t = spec.noise * 4294967296.0;
  src.noise_threshold = src.noisy ? static_cast<std::uint32_t>(t) : 0u;
  return src;
}

class sparse_task {
 public:
  sparse_task(task_spec spec, std::uint64_t seed, std::uint64_t test_seed_offset = 1000)
      : spec_(spec), seed_(seed), test_offset_(test_seed_offset) {
    validate(spec_);
    check_test_offset(test_offset_, "sparse_task");
    secret_ = make_secret(spec_, seed_);
    row_words_ = (spec_.n + 63) / 64;
    mask_.assign(row_words_, 0);
    for (auto j : secret_) mask_[j / 64] |= std::uint64_t{1} << (j % 64);
  }

  [[nodiscard]] const task_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] const std::vector<std::uint32_t>& secret() const noexcept { return secret_; }
  [[nodiscard]] const std::vector<std::uint64_t>& secret_mask() const noexcept { return mask_; }
  [[nodiscard]] std::size_t row_words() const noexcept { return row_words_; }

  [[nodiscard]] sample_source source(split s) const noexcept { return make_source(spec_, s, seed_, test_offset_); }
  [[nodiscard]] std::uint64_t test_seed_offset() const noexcept { return test_offset_; }

  /// The clean label of input bits `row` under the task's definition and encoding.
  [[nodiscard]] std::int32_t label_of(const std::uint64_t* row) const noexcept { return clean_label(row); }
  /// The clean label of subset `subset` applied to `row` (for scoring a prediction).
  /// Throws std::invalid_argument when the mask has fewer than row_words() words
  /// or a bit set at or above n (it would count toward k and read no input).
  [[nodiscard]] std::int32_t label_with(const std::uint64_t* row, const std::vector<std::uint64_t>& subset_mask) const {
    if (subset_mask.size() < row_words())
      throw std::invalid_argument("sutro::tasks::sparse_task::label_with: the mask has " +
                                  std::to_string(subset_mask.size()) + " words, rows have " +
                                  std::to_string(row_words()));
    const std::size_t last = row_words() - 1;
    const unsigned used = static_cast<unsigned>(spec_.n % 64);  // bits of the last word below n; 0: all
    for (std::size_t w = last; w < subset_mask.size(); ++w) {
      std::uint64_t past = subset_mask[w];
      if (w == last) past = used ? past & (~std::uint64_t{0} << used) : 0;
      if (past)
        throw std::invalid_argument("sutro::tasks::sparse_task::label_with: the mask has bit " +
                                    std::to_string(64 * w + static_cast<std::size_t>(std::countr_zero(past))) +
                                    " set, at or above n = " + std::to_string(spec_.n));
    }
    return label_from_count(masked_count(row, subset_mask.data()),
                            static_cast<std::size_t>(popcount_words(subset_mask.data())));
  }

  /// Rows [first, first + count) of a split into caller storage:
  /// count * row_words() words and count labels. The backend picks the Philox
  /// kernel (scalar: the portable lane loop; simd_on<Arch>: its level's); the
  /// bits are the same on all. The untagged calls here (generate, packed,
  /// dense, for_each_chunk) use sutro::simd, the CPU's best kernel, with or
  /// without xsimd: these kernels need none.
  template <class Backend>
  void generate(Backend tag, split s, std::uint64_t first, std::size_t count, std::uint64_t* words,
                std::int32_t* labels) const {
    const sample_source src = source(s);
    const std::size_t done = generate_lanes(tag, src, first, count, words, labels);
    for (std::size_t r = done; r < count; ++r) {
      std::uint64_t* row = words + r * row_words_;
      const std::uint64_t aux = src.bits(first + r, spec_.n, row_words_, row);
      labels[r] = sample_label(spec_, src, row, mask_.data(), row_words_, aux);
    }
  }
  void generate(split s, std::uint64_t first, std::size_t count, std::uint64_t* words, std::int32_t* labels) const {
    generate(simd{}, s, first, count, words, labels);
  }

  /// The most samples of n-bit rows one packed_samples holds: its words
  /// (ceil(n / 64) a row) and labels within std::vector's max_size. packed()
  /// and for_each_chunk() throw std::length_error naming a larger count.
  [[nodiscard]] static std::size_t max_packed_count(std::size_t n) noexcept {
    const std::size_t rw = n == 0 ? 1 : (n + 63) / 64;
    return std::min(sample_vector<std::uint64_t>().max_size() / rw, sample_vector<std::int32_t>().max_size());
  }
  /// The most samples of n values one dense_samples holds (n floats a row);
  /// dense() and to_dense() throw std::length_error naming a larger count.
  [[nodiscard]] static std::size_t max_dense_count(std::size_t n) noexcept {
    return sample_vector<float>().max_size() / (n == 0 ? 1 : n);  // the labels, one float a row, fit then too
  }

  [[nodiscard]] packed_samples packed(split s, std::size_t count, std::uint64_t first = 0) const {
    check_count(count);
    if (count > std::numeric_limits<std::size_t>::max() / row_words_)
      throw std::length_error("sutro::tasks::sparse_task::packed: " + std::to_string(count) + " samples x " +
                              std::to_string(row_words_) + " words overflow size_t");
    check_limit("packed", "count", count, max_packed_count(spec_.n), spec_.n, "packed");
    packed_samples out;
    out.spec = spec_;
    if (s == split::test) out.spec.noise = 0.0;
    out.count = count;
    out.row_words = row_words_;
    out.words.assign(count * row_words_, 0);
    out.labels.assign(count, 0);
    generate(s, first, count, out.words.data(), out.labels.data());
    return out;
  }

  [[nodiscard]] dense_samples dense(split s, std::size_t count, std::uint64_t first = 0) const {
    // Before the packed rows are made: those may fit where their floats do not.
    check_limit("dense", "count", count, max_dense_count(spec_.n), spec_.n, "dense");
    return to_dense(packed(s, count, first));
  }

  /// Generates `count` rows of a split in chunks of at most `chunk` rows and
  /// calls f(first_row, const packed_samples& chunk) for each; one buffer is reused.
  template <class F>
  void for_each_chunk(split s, std::uint64_t count, std::size_t chunk, F&& f) const {
    if (count == 0) check_count(0);
    if (chunk == 0) throw std::invalid_argument("sutro::tasks::for_each_chunk: chunk size must be positive");
    check_limit("for_each_chunk", "chunk", static_cast<std::size_t>(std::min<std::uint64_t>(chunk, count)),
                max_packed_count(spec_.n), spec_.n, "packed");
    packed_samples buf;
    buf.spec = spec_;
    if (s == split::test) buf.spec.noise = 0.0;
    buf.row_words = row_words_;
    for (std::uint64_t first = 0; first < count; first += chunk) {
      const std::size_t m = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, count - first));
      buf.count = m;
      buf.words.resize(m * row_words_);
      buf.labels.resize(m);
      generate(s, first, m, buf.words.data(), buf.labels.data());
      f(first, std::as_const(buf));
    }
  }

  /// The dense float form of packed samples (same rows, same labels).
  [[nodiscard]] static dense_samples to_dense(const packed_samples& p) {
    check_layout(p, "sutro::tasks::sparse_task::to_dense");
    check_limit("to_dense", "count", p.count, max_dense_count(p.spec.n), p.spec.n, "dense");
    dense_samples d;
    d.spec = p.spec;
    d.count = p.count;
    d.x.resize(p.count * p.spec.n);
    d.y.resize(p.count);
    const bool pm = p.spec.enc == encoding::plus_minus_one;
    for (std::size_t i = 0; i < p.count; ++i) {
      float* out = d.x.data() + i * p.spec.n;
      for (std::size_t j = 0; j < p.spec.n; ++j) {
        const bool b = p.bit(i, j);
        out[j] = pm ? (b ? -1.0f : 1.0f) : (b ? 1.0f : 0.0f);
      }
      d.y[i] = static_cast<float>(p.labels[i]);
    }
    return d;
  }

 private:
  // 16 samples at a time in Philox lanes (the backend's kernel); the same
  // bits as sample_source::bits: block b of sample i gives words 2b and 2b + 1
  // of [row words..., aux]. Returns the rows done (a multiple of 16).
  template <class Backend>
  std::size_t generate_lanes(Backend tag, const sample_source& src, std::uint64_t first, std::size_t count,
                             std::uint64_t* words, std::int32_t* labels) const {
    constexpr int L = 16;
    const std::size_t rw = row_words_, blocks = rw / 2 + 1;
    const std::uint64_t pad = spec_.n % 64 ? (~std::uint64_t{0}) >> (64 - spec_.n % 64) : ~std::uint64_t{0};
    const auto k0 = static_cast<std::uint32_t>(src.data_key), k1 = static_cast<std::uint32_t>(src.data_key >> 32);
    std::uint64_t aux[L];
    std::size_t r = 0;
    for (; r + L <= count; r += L) {
      for (std::size_t b = 0; b < blocks; ++b) {
        std::uint32_t c[4][L];
        for (int l = 0; l < L; ++l) {
          const std::uint64_t i = first + r + static_cast<std::size_t>(l);
          c[0][l] = static_cast<std::uint32_t>(i);
          c[1][l] = static_cast<std::uint32_t>(i >> 32);
          c[2][l] = detail::purpose_sample;
          c[3][l] = static_cast<std::uint32_t>(b);
        }
        philox4x32_10_lanes(tag, c, k0, k1);
        for (int l = 0; l < L; ++l) {
          std::uint64_t* row = words + (r + static_cast<std::size_t>(l)) * rw;
          const std::uint64_t w0 = c[0][l] | static_cast<std::uint64_t>(c[1][l]) << 32;
          const std::uint64_t w1 = c[2][l] | static_cast<std::uint64_t>(c[3][l]) << 32;
          if (2 * b < rw)
            row[2 * b] = w0;
          else
            aux[l] = w0;
          if (2 * b + 1 < rw)
            row[2 * b + 1] = w1;
          else if (2 * b + 1 == rw)
            aux[l] = w1;
        }
      }
      for (int l = 0; l < L; ++l) {
        std::uint64_t* row = words + (r + static_cast<std::size_t>(l)) * rw;
        row[rw - 1] &= pad;
        std::int32_t y = clean_label(row);
        if (src.noisy && static_cast<std::uint32_t>(aux[l]) < src.noise_threshold)
          y = corrupt_label(spec_.kind, spec_.enc, spec_.k, y, aux[l]);
        labels[r + static_cast<std::size_t>(l)] = y;
      }
    }
    return r;
  }

  static void check_count(std::size_t count) {
    if (count == 0) throw std::invalid_argument("sutro::tasks::sparse_task: sample count must be positive (got 0)");
  }
  // std::vector's own length_error would name neither the count nor the limit.
  static void check_limit(const char* function, const char* what, std::size_t count, std::size_t limit, std::size_t n,
                          const char* form) {
    if (count <= limit) return;
    throw std::length_error(std::string("sutro::tasks::sparse_task::") + function + ": " + what + " = " +
                            std::to_string(count) + " samples exceeds the limit of " + std::to_string(limit) +
                            " for n = " + std::to_string(n) + " (" + form + " rows within std::vector's max_size)");
  }
  static std::uint64_t popcount_words(const std::uint64_t* w, std::size_t nw) noexcept {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < nw; ++i) c += static_cast<std::uint64_t>(std::popcount(w[i]));
    return c;
  }
  [[nodiscard]] std::uint64_t popcount_words(const std::uint64_t* w) const noexcept {
    return popcount_words(w, row_words_);
  }
  [[nodiscard]] std::size_t masked_count(const std::uint64_t* row, const std::uint64_t* mask) const noexcept {
    std::size_t c = 0;
    for (std::size_t w = 0; w < row_words_; ++w) c += static_cast<std::size_t>(std::popcount(row[w] & mask[w]));
    return c;
  }
  [[nodiscard]] std::int32_t clean_label(const std::uint64_t* row) const noexcept {
    if (row_words_ == 1) return label_from_count(static_cast<std::size_t>(std::popcount(row[0] & mask_[0])), spec_.k);
    return label_from_count(masked_count(row, mask_.data()), spec_.k);
  }
  [[nodiscard]] std::int32_t label_from_count(std::size_t ones, std::size_t k) const noexcept {
    return tasks::label_from_count(spec_.kind, spec_.enc, ones, k, threshold_of(spec_));
  }

  task_spec spec_;
  std::uint64_t seed_;
  std::uint64_t test_offset_;
  std::vector<std::uint32_t> secret_;
  std::vector<std::uint64_t> mask_;
  std::size_t row_words_ = 0;
};

[[nodiscard]] inline sparse_task make_task(task_kind kind, std::size_t n, std::size_t k, std::uint64_t seed,
                                           task_options o = {}) {
  return sparse_task(task_spec{kind, n, k, o.noise, o.enc, o.threshold}, seed, o.test_seed_offset);
}
[[nodiscard]] inline sparse_task sparse_parity(std::size_t n, std::size_t k, std::uint64_t seed, task_options o = {}) {
  return make_task(task_kind::parity, n, k, seed, o);
}
[[nodiscard]] inline sparse_task sparse_sum(std::size_t n, std::size_t k, std::uint64_t seed, task_options o = {}) {
  return make_task(task_kind::sum, n, k, seed, o);
}
[[nodiscard]] inline sparse_task sparse_and(std::size_t n, std::size_t k, std::uint64_t seed, task_options o = {}) {
  return make_task(task_kind::and_, n, k, seed, o);
}
/// y = sign(sum of x_i over S), a zero sum giving +1.
[[nodiscard]] inline sparse_task sparse_majority(std::size_t n, std::size_t k, std::uint64_t seed,
                                                 task_options o = {}) {
  return make_task(task_kind::majority, n, k, seed, o);
}
/// y = +1 iff the sum of x_i over S is at least t (o.threshold; k - 1 by default).
[[nodiscard]] inline sparse_task sparse_threshold(std::size_t n, std::size_t k, std::uint64_t seed,
                                                  task_options o = {}) {
  return make_task(task_kind::threshold, n, k, seed, o);
}

}  // namespace sutro::tasks
