// Differential suite: random programs priced by the group's ByteDMD tool
// (tests/dmd/data/bytedmd_differential.txt, made by
// scripts/bytedmd_differential.py from bytedmd.py on the tool's main branch)
// are replayed here through sutro::metrics::dmd::tracked and priced by
// sutro::metrics::dmd::bytedmd; cost at 1, 2, 4 and 8 bytes per element and the whole
// depth trace must be equal. The dev branch's suites: bytedmd.py's two-stack
// model (_dev.txt), and bytedmd_ir.py's classic, live and belady costs with
// belady's distances (_load_walk.txt).
//
// The interpreter calls the tracked operators the way idiomatic code does:
// a compound operand is a prvalue (the result of an inner operator call, the
// C++ compiler chooses which operand to evaluate first: GCC the right one), a
// name is an lvalue (an input element, an argument, a local), a literal is a
// double. Conditions are contextual conversions (if, !, &&, ||), min/max are
// sutro::metrics::dmd::min/max found by argument-dependent lookup.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"

using sutro::metrics::dmd::tracked;

namespace {

#ifndef SUTRO_DMD_DATA_DIR
#define SUTRO_DMD_DATA_DIR ""
#endif

/// A committed suite, or the file named by $SUTRO_DMD_DIFFERENTIAL (a suite
/// freshly generated with another seed or count).
std::filesystem::path data_file(const std::string& name) {
  if (const char* env = std::getenv("SUTRO_DMD_DIFFERENTIAL"); env != nullptr && *env != 0) return env;
  if (std::string(SUTRO_DMD_DATA_DIR).size() != 0) return std::filesystem::path(SUTRO_DMD_DATA_DIR) / name;
  return std::filesystem::path(__FILE__).parent_path() / "data" / name;
}

// ---- the program text ------------------------------------------------------
struct sexp {
  std::string head;        // an atom, or the operator of a list
  std::vector<sexp> kids;  // empty for an atom
  bool list = false;
};

struct reader {
  std::vector<std::string> tok;
  std::size_t i = 0;
  explicit reader(const std::string& s) {
    std::string cur;
    for (char ch : s) {
      if (ch == '(' || ch == ')' || ch == ' ') {
        if (!cur.empty()) tok.push_back(cur), cur.clear();
        if (ch != ' ') tok.push_back(std::string(1, ch));
      } else {
        cur += ch;
      }
    }
    if (!cur.empty()) tok.push_back(cur);
  }
  bool done() const { return i >= tok.size(); }
  sexp next() {
    if (done()) throw std::runtime_error("unexpected end of expression");
    if (tok[i] == ")") throw std::runtime_error("unexpected )");
    if (tok[i] != "(") return sexp{tok[i++], {}, false};
    ++i;
    sexp e;
    e.list = true;
    if (i < tok.size() && tok[i] != "(" && tok[i] != ")") e.head = tok[i++];
    while (i < tok.size() && tok[i] != ")") e.kids.push_back(next());
    if (i >= tok.size()) throw std::runtime_error("missing )");
    ++i;
    return e;
  }
};
sexp parse(const std::string& s) {
  reader r(s);
  return r.next();
}

struct stmt {
  std::string kind;  // let aug cmp if
  std::string target;
  char op = 0;
  sexp e;
  std::vector<stmt> then_body, else_body;
};

struct program {
  int id = -1;
  std::vector<double> xs;
  double a = 0, b = 0;
  std::vector<stmt> body;
  std::vector<sexp> flat;
  std::vector<std::vector<sexp>> groups;
  std::vector<sexp> flags;
  std::string python;
  std::vector<std::uint64_t> trace;
  std::array<std::uint64_t, 4> cost{};
};

struct suite {
  sutro::metrics::dmd::bytedmd_variant variant = sutro::metrics::dmd::bytedmd_variant::main;
  std::vector<program> programs;
};

suite load(const std::string& name) {
  const auto path = data_file(name);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  suite su;
  std::vector<program>& all = su.programs;
  program p;
  std::vector<std::vector<stmt>*> open;  // statement lists being filled
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.find(' ');
    const std::string key = line.substr(0, sp);
    const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    std::istringstream is(rest);
    if (key == "variant") {
      su.variant = sutro::metrics::dmd::parse_variant(rest == "load_walk" ? "classic" : rest);
    } else if (key == "case") {
      p = program{};
      p.id = std::stoi(rest);
      open = {&p.body};
    } else if (key == "xs") {
      for (double v; is >> v;) p.xs.push_back(v);
    } else if (key == "a") {
      is >> p.a;
    } else if (key == "b") {
      is >> p.b;
    } else if (key == "stmt") {
      std::string kind;
      is >> kind;
      if (kind == "else") {
        open.pop_back();
        open.push_back(&open.back()->back().else_body);
        continue;
      }
      if (kind == "endif") {
        open.pop_back();
        continue;
      }
      stmt s;
      s.kind = kind;
      std::string tail;
      if (kind == "if") {
        std::getline(is, tail);
        s.e = parse(tail);
        open.back()->push_back(std::move(s));
        open.push_back(&open.back()->back().then_body);
        continue;
      }
      is >> s.target;
      if (kind == "aug") {
        std::string op;
        is >> op;
        s.op = op[0];
      }
      std::getline(is, tail);
      s.e = parse(tail);
      open.back()->push_back(std::move(s));
    } else if (key == "ret") {
      reader r(rest);
      const sexp flat = r.next(), groups = r.next(), flags = r.next();
      p.flat = flat.kids;
      if (!flat.head.empty()) p.flat.insert(p.flat.begin(), sexp{flat.head, {}, false});
      // groups: a list of lists; the reader puts a first atom in head, never here (all kids are lists)
      for (const auto& g : groups.kids) {
        std::vector<sexp> v = g.kids;
        if (!g.head.empty()) v.insert(v.begin(), sexp{g.head, {}, false});
        p.groups.push_back(std::move(v));
      }
      p.flags = flags.kids;
      if (!flags.head.empty()) p.flags.insert(p.flags.begin(), sexp{flags.head, {}, false});
    } else if (key == "python") {
      p.python += rest + "\n";
    } else if (key == "trace") {
      for (std::uint64_t d; is >> d;) p.trace.push_back(d);
    } else if (key == "cost") {
      for (auto& c : p.cost) is >> c;
    } else if (key == "end") {
      all.push_back(std::move(p));
    } else if (key != "shape") {
      throw std::runtime_error("unknown line: " + line);
    }
  }
  return su;
}

// ---- the interpreter ---------------------------------------------------------
using num = tracked<double>;
using flag = tracked<bool>;
#define FWD(x) std::forward<decltype(x)>(x)

struct machine {
  const std::vector<num>& xs;
  const num& a;
  const num& b;
  std::map<std::string, num> t;
  std::map<std::string, flag> c;

  enum kind { name = 0, literal = 1, compound = 2 };
  static kind kind_of(const sexp& e) {
    if (e.list) return compound;
    return e.head[0] == 'k' ? literal : name;
  }
  const num& ref(const sexp& e) const {
    const std::string& h = e.head;
    if (h == "a") return a;
    if (h == "b") return b;
    if (h[0] == 'x') return xs.at(std::stoul(h.substr(1)));
    if (h[0] == 't') return t.at(h);
    throw std::runtime_error("not a number name: " + h);
  }
  static double lit(const sexp& e) { return std::stod(e.head.substr(1)); }

  /// op(l, r) with each operand an lvalue name, a double literal or a
  /// prvalue subexpression, in one call expression (unsequenced operands).
  template <class R, class Op>
  R both(const sexp& l, const sexp& r, Op op) {
    switch (3 * kind_of(l) + kind_of(r)) {
      case 0:
        return op(ref(l), ref(r));
      case 1:
        return op(ref(l), lit(r));
      case 2:
        return op(ref(l), eval(r));
      case 3:
        return op(lit(l), ref(r));
      case 4:
        throw std::runtime_error("an operation on two literals");
      case 5:
        return op(lit(l), eval(r));
      case 6:
        return op(eval(l), ref(r));
      case 7:
        return op(eval(l), lit(r));
      default:
        return op(eval(l), eval(r));
    }
  }
  template <class R, class Op>
  R one(const sexp& x, Op op) {
    switch (kind_of(x)) {
      case name:
        return op(ref(x));
      case literal:
        throw std::runtime_error("an operation on a literal");
      default:
        return op(eval(x));
    }
  }

  num eval(const sexp& e) {
    const std::string& h = e.head;
    if (h == "+") return both<num>(e.kids[0], e.kids[1], [](auto&& x, auto&& y) { return FWD(x) + FWD(y); });
    if (h == "-") return both<num>(e.kids[0], e.kids[1], [](auto&& x, auto&& y) { return FWD(x) - FWD(y); });
    if (h == "*") return both<num>(e.kids[0], e.kids[1], [](auto&& x, auto&& y) { return FWD(x) * FWD(y); });
    if (h == "min") return both<num>(e.kids[0], e.kids[1], [](auto&& x, auto&& y) { return min(FWD(x), FWD(y)); });
    if (h == "max") return both<num>(e.kids[0], e.kids[1], [](auto&& x, auto&& y) { return max(FWD(x), FWD(y)); });
    if (h == "neg") return one<num>(e.kids[0], [](auto&& x) { return -FWD(x); });
    if (h == "abs") return one<num>(e.kids[0], [](auto&& x) { return abs(FWD(x)); });
    if (h == "sq") return one<num>(e.kids[0], [](auto&& x) { return pow(FWD(x), 2.0); });
    throw std::runtime_error("not a number expression: " + h);
  }
  /// A value to bind to a name: a copy of a name, a constant, or an expression's result.
  num value(const sexp& e) {
    switch (kind_of(e)) {
      case name:
        return ref(e);
      case literal:
        return num(lit(e));
      default:
        return eval(e);
    }
  }
  flag compare(const sexp& e) {
    const std::string& h = e.head;
    const sexp &l = e.kids.at(0), &r = e.kids.at(1);
    if (h == "<") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) < FWD(y); });
    if (h == "<=") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) <= FWD(y); });
    if (h == ">") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) > FWD(y); });
    if (h == ">=") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) >= FWD(y); });
    if (h == "==") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) == FWD(y); });
    if (h == "!=") return both<flag>(l, r, [](auto&& x, auto&& y) { return FWD(x) != FWD(y); });
    throw std::runtime_error("not a comparison: " + h);
  }
  /// A condition, as `if (...)` converts it: every tracked operand read once, && and || short-circuit.
  bool cond(const sexp& e) {
    if (!e.list) {
      if (e.head[0] == 'c') return static_cast<bool>(c.at(e.head));
      if (kind_of(e) == name) return static_cast<bool>(ref(e));
      throw std::runtime_error("bad condition atom: " + e.head);
    }
    const std::string& h = e.head;
    if (h == "not") {
      const sexp& x = e.kids.at(0);
      if (!x.list && x.head[0] == 'c') return !c.at(x.head);
      if (x.list && x.head == "truth") return x.kids.at(0).list ? !eval(x.kids[0]) : !ref(x.kids[0]);
      if (x.list && (x.head == "not" || x.head == "and" || x.head == "or")) return !cond(x);
      return !compare(x);
    }
    if (h == "and") return cond(e.kids.at(0)) && cond(e.kids.at(1));
    if (h == "or") return cond(e.kids.at(0)) || cond(e.kids.at(1));
    if (h == "truth") return e.kids.at(0).list ? static_cast<bool>(eval(e.kids[0])) : static_cast<bool>(ref(e.kids[0]));
    return static_cast<bool>(compare(e));
  }
  void run(const std::vector<stmt>& body) {
    for (const stmt& s : body) {
      if (s.kind == "let") {
        t[s.target] = value(s.e);
      } else if (s.kind == "cmp") {
        c[s.target] = compare(s.e);
      } else if (s.kind == "aug") {
        num& x = t.at(s.target);
        const sexp& e = s.e;
        switch (kind_of(e)) {
          case name:
            if (s.op == '+')
              x += ref(e);
            else if (s.op == '-')
              x -= ref(e);
            else
              x *= ref(e);
            break;
          case literal:
            if (s.op == '+')
              x += lit(e);
            else if (s.op == '-')
              x -= lit(e);
            else
              x *= lit(e);
            break;
          default:
            if (s.op == '+')
              x += eval(e);
            else if (s.op == '-')
              x -= eval(e);
            else
              x *= eval(e);
        }
      } else if (s.kind == "if") {
        if (cond(s.e))
          run(s.then_body);
        else
          run(s.else_body);
      } else {
        throw std::runtime_error("unknown statement " + s.kind);
      }
    }
  }
  flag flag_value(const sexp& e) { return c.at(e.head); }
};

using result_type = std::tuple<std::vector<num>, std::vector<std::vector<num>>, std::vector<flag>>;

sutro::metrics::dmd::bytedmd_result replay(const program& p, std::uint64_t bytes,
                                           sutro::metrics::dmd::bytedmd_variant variant) {
  auto f = [&p](const std::vector<num>& xs, num a, num b) {
    machine m{xs, a, b, {}, {}};
    m.run(p.body);
    result_type r;  // built in the order Python's return display evaluates it
    for (const auto& e : p.flat) std::get<0>(r).push_back(m.value(e));
    for (const auto& g : p.groups) {
      std::vector<num> v;
      for (const auto& e : g) v.push_back(m.value(e));
      std::get<1>(r).push_back(std::move(v));
    }
    for (const auto& e : p.flags) std::get<2>(r).push_back(m.flag_value(e));
    return r;
  };
  return sutro::metrics::dmd::bytedmd({.bytes_per_element = bytes, .variant = variant}, f, p.xs, p.a, p.b);
}

void check_suite(const std::string& name) {
  const suite su = load(name);
  const std::vector<program>& all = su.programs;
  if (std::getenv("SUTRO_DMD_DIFFERENTIAL") == nullptr) REQUIRE(all.size() >= 500);
  std::size_t agree = 0;
  if (sutro::metrics::dmd::load_walk_variant(su.variant)) {  // bytedmd_ir.py: classic, live, belady at 1 byte
    using sutro::metrics::dmd::bytedmd_variant;
    for (const program& p : all) {
      INFO("case " << p.id << "\n" << p.python);
      const auto classic = replay(p, 1, bytedmd_variant::classic);
      const auto live = replay(p, 1, bytedmd_variant::live);
      const auto belady = replay(p, 1, bytedmd_variant::belady);
      CHECK(classic.cost == p.cost[0]);
      CHECK(live.cost == p.cost[1]);
      CHECK(belady.cost == p.cost[2]);
      CHECK(belady.depths() == p.trace);
      agree +=
          classic.cost == p.cost[0] && live.cost == p.cost[1] && belady.cost == p.cost[2] && belady.depths() == p.trace;
    }
    CHECK(agree == all.size());
    return;
  }
  for (const program& p : all) {
    INFO("case " << p.id << "\n" << p.python);
    const auto r = replay(p, 1, su.variant);
    CHECK(r.depths() == p.trace);
    CHECK(r.cost == p.cost[0]);
    bool same = r.depths() == p.trace && r.cost == p.cost[0];
    const std::uint64_t bytes[] = {2, 4, 8};
    for (int k = 0; k < 3; ++k) {
      const auto rb = replay(p, bytes[k], su.variant);
      CHECK(rb.cost == p.cost[k + 1]);
      CHECK(rb.depths() == p.trace);
      same = same && rb.cost == p.cost[k + 1];
    }
    agree += same;
  }
  CHECK(agree == all.size());
}

}  // namespace

TEST_CASE("differential: sutro::metrics::dmd::bytedmd equals the group's tool (main) on every committed program",
          "[dmd][differential]") {
  check_suite("bytedmd_differential.txt");
}

TEST_CASE("differential: the two_stack variant equals the tool's dev branch on every committed program",
          "[dmd][differential]") {
  if (std::getenv("SUTRO_DMD_DIFFERENTIAL") != nullptr) return;  // (one file at a time)
  check_suite("bytedmd_differential_dev.txt");
}

TEST_CASE("differential: classic, live and belady equal the dev branch's bytedmd_ir.py on every committed program",
          "[dmd][differential]") {
  if (std::getenv("SUTRO_DMD_DIFFERENTIAL") != nullptr) return;  // (one file at a time)
  check_suite("bytedmd_differential_load_walk.txt");
}
