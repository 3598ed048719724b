#pragma once
// The static-address model of the group's sutro-problems challenge
// (github.com/cybertronai/sutro-problems, "simplified Dally model"): a
// straight-line program keeps values at addresses it chooses; reading
// address a costs ceil(sqrt(a)), writes and arithmetic are free, inputs are
// placed for free, and every output address is read once at the end. The
// cost is static: it depends on the program text, never on the data.
//
//   using namespace sutro::metrics::dmd;
//   auto p = parse_static("1,2;mul 3,1,2;3", ir_dialect::v0);   // the README's 1x1
//   p.cost;                          // 5 = ceil(sqrt 1) + ceil(sqrt 2) + ceil(sqrt 3)
//   run_static(p, std::vector<std::int64_t>{1, 3});   // {3}
//
// Two dialects, each exactly as the challenge's scorers accept it:
// v0 (matmul: add, sub, mul, copy) and v3 (sparse-parity, symmetry: also
// div, and, or, xor, not, abs, set, cmp, select; values are signed 8-bit).
// Text: ';' separates statements like a line break; blank statements are
// skipped; the first is the input line, the last the output line, both
// comma-separated addresses. A two-operand binary op `add d,s` means
// `add d,d,s`. Bad text throws std::invalid_argument naming the line and
// the token; docs/metrics.md lists the rules and the few differences.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sutro/metrics/dmd/cost.hpp"

namespace sutro::metrics::dmd {

enum class ir_dialect { v0, v3 };

enum class static_op : std::uint8_t { add, sub, mul, div, and_, or_, xor_, copy, not_, abs, set, cmp, select };
enum class static_predicate : std::uint8_t { eq, ne, lt, le, gt, ge };

struct static_instruction {
  static_op op{};
  static_predicate pred{};
  std::uint8_t n_reads = 0;
  std::uint32_t dest = 0;     // dense slot of the destination address
  std::uint32_t src[3] = {};  // dense slots read, in operand order
  std::int64_t literal = 0;   // set's value, already wrapped to 8 bits
};

struct static_program {
  ir_dialect dialect = ir_dialect::v0;
  std::vector<std::uint64_t> input_addresses, output_addresses;
  std::vector<static_instruction> code;
  std::vector<std::uint32_t> input_slots, output_slots;
  std::size_t slots = 0;    // distinct addresses the program touches
  std::uint64_t cost = 0;   // sum of ceil(sqrt(a)) over every read, outputs included
  std::uint64_t reads = 0;  // number of priced reads, outputs included
};

/// ceil(sqrt(a)): the challenge's isqrt(a - 1) + 1 for an address a >= 1,
/// and 0 for a = 0, which no meter accepts as an address.
[[nodiscard]] inline std::uint64_t address_cost(std::uint64_t a) noexcept { return ceil_sqrt(a); }

namespace detail::static_ir {

// total += address_cost(a); false, leaving total as it was, past 64 bits.
[[nodiscard]] inline bool add_address_cost(std::uint64_t& total, std::uint64_t a) noexcept {
  std::uint64_t next;
  if (__builtin_add_overflow(total, address_cost(a), &next)) return false;
  total = next;
  return true;
}

[[noreturn]] inline void fail(const char* fn, std::size_t line, std::string_view token, const std::string& why) {
  std::string m = std::string("sutro::metrics::dmd::") + fn + ": line " + std::to_string(line);
  if (!token.empty()) m += ", token '" + std::string(token.substr(0, 40)) + (token.size() > 40 ? "...'" : "'");
  throw std::invalid_argument(m + ": " + why);
}

// Python's str.isspace on ASCII (str.strip and int() use it).
constexpr bool is_space(char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
// int() strips less: only C's isspace (no 0x1c..0x1f).
constexpr bool is_int_space(char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr std::string_view strip(std::string_view s, bool (*space)(char) = is_space) noexcept {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Python's int(token) in base 10: optional sign, digits with single '_'
// between them. Values past 64 bits are refused (Python would go on).
struct integer {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool ok = false;
  bool too_big = false;
};
constexpr integer parse_int(std::string_view t) noexcept {
  integer r;
  t = strip(t, is_int_space);
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
    r.negative = t.front() == '-';
    t.remove_prefix(1);
  }
  if (t.empty() || t.front() == '_' || t.back() == '_') return r;
  char prev = 0;
  for (char c : t) {
    if (c == '_') {
      if (prev == '_') return r;
    } else if (c >= '0' && c <= '9') {
      const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
      if (r.magnitude > (UINT64_MAX - d) / 10)
        r.too_big = true;
      else
        r.magnitude = r.magnitude * 10 + d;
    } else {
      return r;
    }
    prev = c;
  }
  r.ok = true;
  return r;
}

struct statement {
  std::string_view text;
  std::size_t line;
};

// An op name of up to 7 bytes as one integer (longer or empty names: 0).
constexpr std::uint64_t pack(std::string_view s) noexcept {
  if (s.empty() || s.size() > 7) return 0;
  std::uint64_t v = 0;
  for (char c : s) v = v << 8 | static_cast<unsigned char>(c);
  return v << 8 | s.size();
}

// An instruction's operand tokens: at most 4 are used; more only count.
struct operands {
  std::array<std::string_view, 4> v{};
  std::size_t n = 0;
  void push(std::string_view t) noexcept {
    if (n < v.size()) v[n] = t;
    ++n;
  }
  [[nodiscard]] std::string_view operator[](std::size_t k) const noexcept { return v[k]; }
  [[nodiscard]] std::size_t size() const noexcept { return n; }
};

// Address -> dense slot: a flat array for small addresses (what programs
// use), a hash map above; memory grows with the addresses used.
class address_table {
 public:
  static constexpr std::uint32_t none = UINT32_MAX;
  [[nodiscard]] std::uint32_t find(std::uint64_t a) const {
    if (a < dense_limit) return a < dense_.size() ? dense_[a] : none;
    const auto it = sparse_.find(a);
    return it == sparse_.end() ? none : it->second;
  }
  std::uint32_t insert(std::uint64_t a) {
    if (const auto s = find(a); s != none) return s;
    if (a < dense_limit) {
      if (a >= dense_.size()) dense_.resize(std::max<std::size_t>(a + 1, 2 * dense_.size()), none);
      dense_[a] = size_;
    } else {
      sparse_.emplace(a, size_);
    }
    return size_++;
  }
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint64_t dense_limit = std::uint64_t{1} << 20;
  std::vector<std::uint32_t> dense_;
  std::unordered_map<std::uint64_t, std::uint32_t> sparse_;
  std::uint32_t size_ = 0;
};

inline std::vector<statement> statements(std::string_view text, const char* fn) {
  std::vector<statement> out;
  std::size_t line = 1, begin = 0;
  auto flush = [&](std::size_t end) {
    const auto s = strip(text.substr(begin, end - begin));
    if (!s.empty()) out.push_back({s, line});
  };
  // 1: str.splitlines' ASCII breaks and ';'; 2: a non-ASCII byte
  static constexpr auto kind = [] {
    std::array<std::uint8_t, 256> k{};
    for (char c : {';', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e'}) k[static_cast<unsigned char>(c)] = 1;
    for (int c = 0x80; c < 0x100; ++c) k[static_cast<std::size_t>(c)] = 2;
    return k;
  }();
  out.reserve(text.size() / 12 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto k = kind[static_cast<unsigned char>(c)];
    if (k == 0) continue;
    if (k == 2) fail(fn, line, {}, "non-ASCII byte in the program text");
    flush(i);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    if (c != ';') ++line;
    begin = i + 1;
  }
  flush(text.size());
  return out;
}

}  // namespace detail::static_ir

/// Parses and prices a program in the challenge's text format. Throws
/// std::invalid_argument ("sutro::metrics::dmd::parse_static: line L, token 'T': why")
/// wherever the challenge's scorer would refuse the program.
[[nodiscard]] inline static_program parse_static(std::string_view text, ir_dialect dialect) {
  using namespace detail::static_ir;
  constexpr const char* fn = "parse_static";
  const bool v3 = dialect == ir_dialect::v3;
  const auto stmts = statements(text, fn);
  if (v3 && stmts.size() > 100'000) fail(fn, stmts[100'000].line, {}, "more than 100,000 lines (the v3 limit)");
  if (stmts.size() < 2)
    fail(fn, stmts.empty() ? 1 : stmts[0].line, {}, "a program needs an input line and an output line");

  static_program p;
  p.dialect = dialect;
  address_table table;
  std::vector<bool> written;
  auto slot = [&](std::uint64_t a) {
    const auto s = table.insert(a);
    if (s == written.size()) written.push_back(false);
    return s;
  };
  auto written_slot = [&](std::uint64_t a) {  // the slot of an address written before, or none
    const auto s = table.find(a);
    return s != address_table::none && written[s] ? s : address_table::none;
  };
  auto add_cost = [&](std::uint64_t a, std::size_t line, std::string_view tok) {
    if (!add_address_cost(p.cost, a)) fail(fn, line, tok, "total cost overflows 64 bits");
    ++p.reads;
  };
  // An address token: a positive integer below 2^64 (v0 has no upper limit; sutro stops at 2^64 - 1).
  auto address = [&](std::string_view tok, std::size_t line, const char* what) -> std::uint64_t {
    const auto v = parse_int(tok);
    if (!v.ok) fail(fn, line, tok, std::string(what) + " is not an integer");
    if (v.too_big) fail(fn, line, tok, std::string(what) + " does not fit in 64 bits");
    if (v.negative || v.magnitude == 0) fail(fn, line, tok, std::string(what) + " must be a positive integer");
    return v.magnitude;
  };
  // v0 splits on every ',' (an empty piece is an error); v3 drops blank
  // pieces and strips an operand (not an address-line piece) before int().
  auto for_each_piece = [&](std::string_view s, bool strip_operands, auto&& f) {
    std::size_t b = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',') {
        const auto piece = s.substr(b, i - b);
        if (!v3 || !strip(piece).empty()) f(v3 && strip_operands ? strip(piece) : piece);
        b = i + 1;
      }
    }
  };
  auto address_line = [&](const statement& st, std::vector<std::uint64_t>& out, const char* what) {
    for_each_piece(st.text, false, [&](std::string_view tok) { out.push_back(address(tok, st.line, what)); });
  };
  address_line(stmts.front(), p.input_addresses, "input address");
  address_line(stmts.back(), p.output_addresses, "output address");
  for (auto a : p.input_addresses) {
    const auto s = slot(a);
    if (written[s]) fail(fn, stmts.front().line, std::to_string(a), "input addresses must be distinct");
    written[s] = true;
    p.input_slots.push_back(s);
  }

  p.code.reserve(stmts.size() - 2);
  for (std::size_t i = 1; i + 1 < stmts.size(); ++i) {
    const auto& st = stmts[i];
    const auto space = st.text.find(' ');
    const auto head = st.text.substr(0, space);
    const auto rest = space == std::string_view::npos ? std::string_view{} : st.text.substr(space + 1);
    if (!v3 && rest.empty()) fail(fn, st.line, st.text, "an instruction needs operands");
    operands ops;
    if (!(v3 && rest.empty())) for_each_piece(rest, true, [&](std::string_view tok) { ops.push(tok); });
    static_instruction ins;
    std::uint64_t reads[3] = {};
    std::uint64_t dest = 0;
    auto need = [&](std::size_t lo, std::size_t hi) {
      if (ops.size() < lo || ops.size() > hi)
        fail(fn, st.line, head,
             lo == hi ? "needs " + std::to_string(lo) + " operands, got " + std::to_string(ops.size())
                      : "needs 2 or 3 operands, got " + std::to_string(ops.size()));
    };
    // A source must have been written before; nothing else reaches the table.
    auto source = [&](std::string_view tok) -> std::uint64_t {
      const auto v = parse_int(tok);
      if (!v.ok) fail(fn, st.line, tok, "operand is not an integer");
      if (v.negative || v.too_big || written_slot(v.magnitude) == address_table::none)
        fail(fn, st.line, tok, "reads an address never written");
      return v.magnitude;
    };
    auto dest_of = [&](std::string_view tok) {
      const auto v = parse_int(tok);
      if (!v.ok) fail(fn, st.line, tok, "operand is not an integer");
      if (v.negative || v.magnitude == 0 || v.too_big)
        fail(fn, st.line, tok, "destination must be an address from 1 to 2^64 - 1");
      return v.magnitude;
    };
    const auto h = pack(head);  // one integer compare per name, not a memcmp
    static constexpr std::pair<std::uint64_t, static_op> binary[] = {
        {pack("add"), static_op::add}, {pack("sub"), static_op::sub},  {pack("mul"), static_op::mul},
        {pack("div"), static_op::div}, {pack("and"), static_op::and_}, {pack("or"), static_op::or_},
        {pack("xor"), static_op::xor_}};
    static constexpr std::pair<std::uint64_t, static_op> unary[] = {
        {pack("copy"), static_op::copy}, {pack("not"), static_op::not_}, {pack("abs"), static_op::abs}};
    static constexpr std::string_view predicates[] = {"eq", "ne", "lt", "le", "gt", "ge"};
    bool known = false;
    for (auto [name, op] : binary) {
      if (h != name || (!v3 && op > static_op::mul)) continue;
      known = true, ins.op = op;
      need(2, 3);
      dest = dest_of(ops[0]);
      const bool short_form = ops.size() == 2;
      if (short_form && written_slot(dest) == address_table::none)
        fail(fn, st.line, ops[0], "reads an address never written");
      reads[0] = short_form ? dest : source(ops[1]);
      reads[1] = source(ops[short_form ? 1 : 2]);
      ins.n_reads = 2;
    }
    for (auto [name, op] : unary) {
      if (h != name || (!v3 && op != static_op::copy)) continue;
      known = true, ins.op = op;
      need(2, 2);
      dest = dest_of(ops[0]);
      reads[0] = source(ops[1]);
      ins.n_reads = 1;
    }
    if (v3 && h == pack("set")) {
      known = true, ins.op = static_op::set;
      need(2, 2);
      dest = dest_of(ops[0]);
      const auto v = parse_int(ops[1]);
      if (!v.ok) fail(fn, st.line, ops[1], "literal is not an integer");
      if (v.too_big || (v.negative ? v.magnitude > 128 : v.magnitude > 255))
        fail(fn, st.line, ops[1], "literal out of bounds [-128, 255]");
      const auto raw = v.negative ? -static_cast<std::int64_t>(v.magnitude) : static_cast<std::int64_t>(v.magnitude);
      ins.literal = static_cast<std::int8_t>(static_cast<std::uint8_t>(raw & 0xFF));
    }
    if (v3 && h == pack("cmp")) {
      known = true, ins.op = static_op::cmp;
      need(4, 4);
      dest = dest_of(ops[0]);
      reads[0] = source(ops[1]);
      reads[1] = source(ops[2]);
      bool found = false;
      for (std::size_t k = 0; k < 6; ++k)
        if (ops[3] == predicates[k]) ins.pred = static_cast<static_predicate>(k), found = true;
      if (!found) fail(fn, st.line, ops[3], "predicate must be one of eq, ne, lt, le, gt, ge");
      ins.n_reads = 2;
    }
    if (v3 && h == pack("select")) {
      known = true, ins.op = static_op::select;
      need(4, 4);
      dest = dest_of(ops[0]);
      for (std::size_t k = 0; k < 3; ++k) reads[k] = source(ops[1 + k]);
      ins.n_reads = 3;
    }
    if (!known) fail(fn, st.line, head, v3 ? "unknown op" : "unknown op (v0 has add, sub, mul, copy)");
    for (int k = 0; k < ins.n_reads; ++k) {
      ins.src[k] = table.find(reads[k]);
      add_cost(reads[k], st.line, head);
    }
    ins.dest = slot(dest);
    written[ins.dest] = true;
    p.code.push_back(ins);
  }
  for (auto a : p.output_addresses) {
    const auto s = written_slot(a);
    if (s == address_table::none) fail(fn, stmts.back().line, std::to_string(a), "output address never written");
    p.output_slots.push_back(s);
    add_cost(a, stmts.back().line, std::to_string(a));
  }
  p.slots = table.size();
  return p;
}

/// The program's static cost (what the challenge's score_* functions return
/// once the outputs are correct).
[[nodiscard]] inline std::uint64_t static_cost(std::string_view text, ir_dialect dialect) {
  return parse_static(text, dialect).cost;
}

/// Runs the program on the given inputs and returns the output values.
/// v3 wraps every result to signed 8 bits as the challenge does (inputs are
/// stored as given); v0 computes in 64 bits and throws where Python's ints
/// would grow past them. Division by zero throws std::domain_error.
[[nodiscard]] inline std::vector<std::int64_t> run_static(const static_program& p,
                                                          std::span<const std::int64_t> inputs) {
  constexpr const char* fn = "sutro::metrics::dmd::run_static: ";
  if (inputs.size() != p.input_slots.size())
    throw std::invalid_argument(std::string(fn) + "the program declares " + std::to_string(p.input_slots.size()) +
                                " inputs; " + std::to_string(inputs.size()) + " given");
  std::vector<std::int64_t> mem(p.slots, 0);
  for (std::size_t i = 0; i < inputs.size(); ++i) mem[p.input_slots[i]] = inputs[i];
  const bool v3 = p.dialect == ir_dialect::v3;
  auto wrap = [](std::uint64_t v) {
    return static_cast<std::int64_t>(static_cast<std::int8_t>(static_cast<std::uint8_t>(v & 0xFF)));
  };
  for (const auto& ins : p.code) {
    const std::int64_t a = mem[ins.src[0]], b = mem[ins.src[1]];
    const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    std::int64_t r = 0;
    bool overflow = false;
    switch (ins.op) {
      case static_op::add:
        overflow = __builtin_add_overflow(a, b, &r);
        if (v3) r = wrap(ua + ub);
        break;
      case static_op::sub:
        overflow = __builtin_sub_overflow(a, b, &r);
        if (v3) r = wrap(ua - ub);
        break;
      case static_op::mul:
        overflow = __builtin_mul_overflow(a, b, &r);
        if (v3) r = wrap(ua * ub);
        break;
      case static_op::div: {
        if (b == 0) throw std::domain_error(std::string(fn) + "integer division by zero");
        if (b == -1) {
          r = wrap(0 - ua);
          break;
        }  // also INT64_MIN / -1, whose low byte is 0
        const std::int64_t q = a / b, m = a % b;
        r = wrap(static_cast<std::uint64_t>(m != 0 && ((m < 0) != (b < 0)) ? q - 1 : q));  // Python's floor division
        break;
      }
      case static_op::and_:
        r = wrap(ua & ub);
        break;
      case static_op::or_:
        r = wrap(ua | ub);
        break;
      case static_op::xor_:
        r = wrap(ua ^ ub);
        break;
      case static_op::copy:
        r = v3 ? wrap(ua) : a;
        break;
      case static_op::not_:
        r = wrap(~ua);
        break;
      case static_op::abs:
        r = wrap(a < 0 ? 0 - ua : ua);
        break;
      case static_op::set:
        r = ins.literal;
        break;
      case static_op::cmp: {
        const bool t[] = {a == b, a != b, a<b, a <= b, a> b, a >= b};
        r = t[static_cast<int>(ins.pred)];
        break;
      }
      case static_op::select:
        r = a ? b : mem[ins.src[2]];
        break;
    }
    if (!v3 && overflow)
      throw std::overflow_error(std::string(fn) + "a value outgrows 64 bits (Python's ints would not)");
    mem[ins.dest] = r;
  }
  std::vector<std::int64_t> out;
  out.reserve(p.output_slots.size());
  for (auto s : p.output_slots) out.push_back(mem[s]);
  return out;
}

/// The same pricing for C++ code that keeps its own values: call read() for
/// every operand address, write() for every destination, output() for every
/// result at the end. O(1) per call; memory grows with distinct addresses.
class static_address_meter {
 public:
  explicit static_address_meter(std::span<const std::uint64_t> inputs = {}) {
    for (auto a : inputs) write(a);
  }
  void write(std::uint64_t a) {
    if (a == 0)
      throw std::invalid_argument("sutro::metrics::dmd::static_address_meter::write: address 0 (addresses start at 1)");
    (void)written_.insert(a);
  }
  void read(std::uint64_t a) { charge(a, "read"); }
  void output(std::uint64_t a) { charge(a, "output"); }
  [[nodiscard]] std::uint64_t cost() const noexcept { return cost_; }
  [[nodiscard]] std::uint64_t reads() const noexcept { return reads_; }

 private:
  void charge(std::uint64_t a, const char* what) {
    if (written_.find(a) == detail::static_ir::address_table::none)
      throw std::invalid_argument(std::string("sutro::metrics::dmd::static_address_meter::") + what + ": address " +
                                  std::to_string(a) + " was never written");
    // Checked as parse_static checks: a wrapped total would rank a program as cheap.
    if (!detail::static_ir::add_address_cost(cost_, a))
      throw std::overflow_error(std::string("sutro::metrics::dmd::static_address_meter::") + what + ": the cost " +
                                std::to_string(cost_) + " + " + std::to_string(address_cost(a)) + " (address " +
                                std::to_string(a) + ") overflows 64 bits");
    ++reads_;
  }
  detail::static_ir::address_table written_;
  std::uint64_t cost_ = 0, reads_ = 0;
};

}  // namespace sutro::metrics::dmd
