#pragma once
// A map from 64-bit keys to 32-bit values for the stack metrics: each key's
// time slot on metrics::lru_stack (reuse_distance).
//
//   sutro::metrics::key_slots m;
//   std::uint32_t* v = m.insert(0x7ffd1000 / 8);   // new: *v == key_slots::fresh
//   *v = 42;
//   m.find(0x7ffd1000 / 8);                        // points at 42; nullptr for a key never inserted
//
// Addresses divided by a unit are dense: the arrays of a program are
// contiguous. So keys live in pages of 4096 consecutive keys (a 16 KB array
// of values, one lookup in a small directory of pages): 4 bytes a key, and
// sequential keys on sequential lines. Sparse keys leave most of each page
// empty: pages may take 64 MB whatever their use (random keys over a dense
// range touch every page long before they fill them), beyond that they must
// hold a key per 16 entries, or the map turns for good into one
// open-addressing hash table (16 bytes an entry, at most 3/4 full). A page
// notes which runs of 64 values ever held a key, so a pass over the values
// (the stack's compaction) costs 64 per sparse page, not 4096. While the
// pages' numbers span a range at most 4x their count (dense keys, the common
// case), a direct table indexed by page number finds a page without a probe.
//
// Pointers from find() and insert() stay valid until generation() changes
// (the table grows, the map turns into a table, or erase() moves entries).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "sutro/metrics/lru_stack.hpp"

namespace sutro::metrics {

class key_slots {
 public:
  /// The value of a newly inserted key. No value stored may equal `absent`.
  static constexpr std::uint32_t absent = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t fresh = absent - 1;
  static constexpr unsigned page_bits = 12;
  static constexpr std::size_t page_keys = std::size_t{1} << page_bits;
  // A page: page_keys values, then a 64-bit mask of its 64-value runs that
  // ever held a key (for_each_value visits those only: a sparse page costs 64).
  static constexpr std::size_t page_words = page_keys + 2;
  static constexpr std::size_t allowance = std::size_t{1} << 24;  // entries of pages, whatever their use (64 MB)

  key_slots() noexcept = default;
  key_slots(const key_slots& o)
      : paged_(o.paged_),
        directory_(o.directory_.size(), dir_entry{0, nullptr}),
        direct_(o.direct_.size(), nullptr),
        first_page_(o.first_page_),
        direct_on_(o.direct_on_),
        table_(o.table_),
        mask_(o.mask_),
        size_(o.size_) {
    pages_.reserve(o.pages_.size());
    for (const dir_entry& d : o.directory_)
      if (d.page) {
        pages_.push_back(new_page());
        std::memcpy(pages_.back().get(), d.page, page_words * sizeof(std::uint32_t));
        place_page({d.page_number, pages_.back().get()});
        if (direct_on_) direct_[d.page_number - first_page_] = pages_.back().get();
      }
  }
  key_slots(key_slots&& o) noexcept { swap(o); }  // o is left empty
  key_slots& operator=(key_slots o) noexcept {
    swap(o);
    return *this;
  }
  ~key_slots() = default;
  void swap(key_slots& o) noexcept {
    std::swap(paged_, o.paged_);
    pages_.swap(o.pages_);
    directory_.swap(o.directory_);
    direct_.swap(o.direct_);
    std::swap(first_page_, o.first_page_);
    std::swap(direct_on_, o.direct_on_);
    table_.swap(o.table_);
    std::swap(mask_, o.mask_);
    std::swap(size_, o.size_);
    std::swap(generation_, o.generation_);
  }

  /// The key's value, or nullptr where the key is not in the map.
  [[nodiscard]] std::uint32_t* find(std::uint64_t key) noexcept {
    if (!paged_) {
      entry& e = table_[probe(key)];
      return e.value == absent ? nullptr : &e.value;
    }
    std::uint32_t* p = page_of(key >> page_bits);
    if (!p) return nullptr;
    std::uint32_t& v = p[key & (page_keys - 1)];
    return v == absent ? nullptr : &v;
  }

  [[nodiscard]] bool contains(std::uint64_t key) const noexcept {
    if (!paged_) return table_[probe(key)].value != absent;
    const std::uint32_t* p = page_of(key >> page_bits);
    return p != nullptr && p[key & (page_keys - 1)] != absent;
  }

  /// The key's value; a key not in the map is added with value `fresh`.
  std::uint32_t* insert(std::uint64_t key) {
    if (paged_) {
      std::uint32_t* p = page_of(key >> page_bits);
      if (!p && !(p = add_page(key >> page_bits))) return insert(key);  // the map became a table
      const std::size_t k = key & (page_keys - 1);
      if (p[k] == absent) {
        p[k] = fresh;
        ++size_;
        set_used_runs(p, used_runs(p) | std::uint64_t{1} << (k / 64));
      }
      return &p[k];
    }
    std::size_t i = probe(key);
    if (table_[i].value != absent) return &table_[i].value;
    if (4 * (size_ + 1) > 3 * table_.size()) {
      rehash(table_.size() * 2);
      i = probe(key);
    }
    table_[i] = {key, fresh, 0};
    ++size_;
    return &table_[i].value;
  }

  /// Removes the key (which must be in the map).
  void erase(std::uint64_t key) noexcept {
    --size_;
    if (paged_) {
      page_of(key >> page_bits)[key & (page_keys - 1)] = absent;
      return;
    }
    std::size_t i = probe(key);  // backward-shift deletion (linear probing)
    table_[i].value = absent;
    for (std::size_t j = (i + 1) & mask_; table_[j].value != absent; j = (j + 1) & mask_) {
      const std::size_t home = mix(table_[j].key) & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        table_[i] = table_[j];
        table_[j].value = absent;
        i = j;
      }
    }
    ++generation_;
  }

  /// While paged: the key's entry in its page, `absent` or not (nullptr where
  /// the page does not exist yet). nullptr once the map is a hash table.
  [[nodiscard]] std::uint32_t* page_entry(std::uint64_t key) const noexcept {
    if (!paged_) return nullptr;
    std::uint32_t* p = page_of(key >> page_bits);
    return p ? p + (key & (page_keys - 1)) : nullptr;
  }

  /// Brings the line of the key's value close (a hint; a directory lookup when paged).
  void prefetch(std::uint64_t key) const noexcept {
    if (!paged_) {
      detail::prefetch_line(&table_[mix(key) & mask_]);
    } else if (const std::uint32_t* p = page_of(key >> page_bits)) {
      detail::prefetch_line(&p[key & (page_keys - 1)]);
    }
  }

  /// f(value&) for every key in the map (any order).
  template <class F>
  void for_each_value(F&& f) {
    if (!paged_) {
      for (entry& e : table_)
        if (e.value != absent) f(e.value);
      return;
    }
    for (const page_ptr& page : pages_)
      for (std::uint64_t runs = used_runs(page.get()); runs; runs &= runs - 1)
        for (std::size_t k = std::size_t(std::countr_zero(runs)) * 64, end = k + 64; k < end; k += 8) {
          std::uint32_t* v = page.get() + k;
          if ((v[0] & v[1] & v[2] & v[3] & v[4] & v[5] & v[6] & v[7]) == absent) continue;  // none used: one test
          for (std::size_t j = 0; j < 8; ++j)
            if (v[j] != absent) f(v[j]);
        }
  }

  /// Keys in the map.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool paged() const noexcept { return paged_; }
  /// Changes whenever pointers from find() and insert() may have become invalid.
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
  /// Bytes held: pages and directory, or the hash table.
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return pages_.size() * page_words * sizeof(std::uint32_t) + directory_.capacity() * sizeof(dir_entry) +
           direct_.capacity() * sizeof(std::uint32_t*) + table_.bytes();
  }

 private:
  struct alignas(16) entry {  // 16 bytes: never straddles a cache line
    std::uint64_t key;
    std::uint32_t value;
    std::uint32_t spare;
  };
  struct dir_entry {
    std::uint64_t page_number;
    std::uint32_t* page;  // nullptr: empty
  };
  struct page_delete {
    void operator()(std::uint32_t* p) const noexcept { ::operator delete (p, std::align_val_t{64}); }
  };
  using page_ptr = std::unique_ptr<std::uint32_t[], page_delete>;

  static std::uint64_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  [[nodiscard]] std::uint32_t* page_of(std::uint64_t number) const noexcept {
    if (direct_on_) {
      const std::uint64_t i = number - first_page_;  // wraps below the first page
      return i < direct_.size() ? direct_[i] : nullptr;
    }
    if (directory_.empty()) return nullptr;
    const std::size_t m = directory_.size() - 1;
    for (std::size_t i = mix(number) & m;; i = (i + 1) & m) {
      const dir_entry& d = directory_[i];
      if (d.page == nullptr || d.page_number == number) return d.page;
    }
  }
  // A new empty page for `number`, or nullptr after turning the map into a
  // hash table (the pages would be over 64 MB and hold more than 16 entries a key).
  std::uint32_t* add_page(std::uint64_t number) {
    const std::size_t entries = (pages_.size() + 1) * page_keys;
    if (entries > allowance && entries > 16 * (size_ + 1)) {
      to_table();
      return nullptr;
    }
    page_ptr page = new_page();
    std::fill_n(page.get(), page_keys, absent);
    set_used_runs(page.get(), 0);
    if (2 * (pages_.size() + 1) > directory_.size()) {
      std::vector<dir_entry> old(std::max<std::size_t>(16, 2 * directory_.size()), dir_entry{0, nullptr});
      old.swap(directory_);
      for (const dir_entry& d : old)
        if (d.page) place_page(d);
    }
    pages_.push_back(std::move(page));
    place_page({number, pages_.back().get()});
    note_direct(number, pages_.back().get());
    return pages_.back().get();
  }
  // Keeps the direct table while the pages span at most 4x their count (plus
  // 64); past that the directory alone serves, for good.
  void note_direct(std::uint64_t number, std::uint32_t* page) noexcept {
    if (!direct_on_) return;
    if (direct_.empty()) first_page_ = number;
    const std::uint64_t lo = std::min(first_page_, number);
    const std::uint64_t hi = std::max(first_page_ + std::max<std::size_t>(direct_.size(), 1) - 1, number);
    if (hi - lo >= 4 * pages_.size() + 64) {
      direct_on_ = false;
      direct_ = {};
      return;
    }
    try {
      if (lo < first_page_) direct_.insert(direct_.begin(), first_page_ - lo, nullptr);
      direct_.resize(hi - lo + 1, nullptr);
    } catch (...) {  // out of memory for a table of a few KB: the directory serves
      direct_on_ = false;
      direct_ = {};
      return;
    }
    first_page_ = lo;
    direct_[number - lo] = page;
  }
  [[nodiscard]] static std::uint64_t used_runs(const std::uint32_t* page) noexcept {
    std::uint64_t runs;
    std::memcpy(&runs, page + page_keys, sizeof runs);
    return runs;
  }
  static void set_used_runs(std::uint32_t* page, std::uint64_t runs) noexcept {
    std::memcpy(page + page_keys, &runs, sizeof runs);
  }
  static page_ptr new_page() {
    return page_ptr(
        static_cast<std::uint32_t*>(::operator new (page_words * sizeof(std::uint32_t), std::align_val_t{64})));
  }
  void place_page(dir_entry d) noexcept {
    const std::size_t m = directory_.size() - 1;
    std::size_t i = mix(d.page_number) & m;
    while (directory_[i].page) i = (i + 1) & m;
    directory_[i] = d;
  }
  void to_table() {
    rehash(std::max<std::size_t>(1024, std::bit_ceil(2 * size_ + 2)));
    for (const dir_entry& d : directory_)
      if (d.page)
        for (std::size_t k = 0; k < page_keys; ++k)
          if (d.page[k] != absent) {
            const std::uint64_t key = (d.page_number << page_bits) | k;
            table_[probe(key)] = {key, d.page[k], 0};
          }
    paged_ = false;
    pages_.clear();
    pages_.shrink_to_fit();
    directory_.clear();
    directory_.shrink_to_fit();
    direct_on_ = false;
    direct_ = {};
    ++generation_;
  }
  // The key's entry, or the empty entry where it would go.
  [[nodiscard]] std::size_t probe(std::uint64_t key) const noexcept {
    std::size_t i = mix(key) & mask_;
    while (table_[i].value != absent && table_[i].key != key) i = (i + 1) & mask_;
    return i;
  }
  void rehash(std::size_t size) {
    detail::line_array<entry> old;
    old.swap(table_);
    table_.assign(size, entry{0, absent, 0});
    mask_ = size - 1;
    for (const entry& e : old)
      if (e.value != absent) table_[probe(e.key)] = e;
    ++generation_;
  }

  bool paged_ = true;
  std::vector<page_ptr> pages_;
  std::vector<dir_entry> directory_;    // open addressing, at most half full
  std::vector<std::uint32_t*> direct_;  // while direct_on_: direct_[n - first_page_] = page n, or nullptr
  std::uint64_t first_page_ = 0;
  bool direct_on_ = true;
  detail::line_array<entry> table_;  // the hash table once not paged
  std::size_t mask_ = 0, size_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace sutro::metrics
