#pragma once
// (traced<T> is in sutro/dmd/traced.hpp; include that.)
// dmd::context: the instruction log that traced<T> writes into. One context
// is active per thread at a time (dmd::bytedmd opens one); a traced value
// remembers which context made it (a serial unique across threads), and using
// it under another context, on another thread or after its context is gone
// throws.
//
//   sutro::dmd::context ctx;            // becomes this thread's active context
//   auto a = sutro::dmd::traced<double>::input(1.0), b = sutro::dmd::traced<double>::input(2.0);
//   auto c = a + b;                     // "add v0 v1 -> v2", pending (see below)
//   ctx.flush();
//   ctx.instructions().size();          // 1
//
// Evaluation order. Python evaluates an expression left to right; C++ leaves
// the order of an operator's operands unspecified (GCC evaluates a*a + b*c
// right operand first). So an operator does not append its instruction to
// the log at once: it makes a pending node. A node whose operand is a
// temporary (an rvalue the operator consumes, i.e. a subexpression) adopts
// that operand's node as a child. Pending trees are appended post-order, left
// to right, which is Python's order whatever order the compiler ran them in:
//   - when a pending value is used as an lvalue (a named variable: it was
//     computed by an earlier statement), every pending tree up to it is
//     appended, in creation order;
//   - before a read (a branch, a conversion) and before pricing, everything is.
// A copy of a pending value (a name binding) is never adopted by a later node.
// What this cannot see: the order in which C++ evaluates the arguments of a
// call to a user function (GCC: right to left) when several of them compute
// traced values, or a branch (?:, a conversion) inside an expression; name
// such arguments first (docs/metrics.md).

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sutro::dmd {

inline constexpr std::uint32_t no_value = std::numeric_limits<std::uint32_t>::max();

/// One recorded instruction: reads inputs[first, first + count) of the
/// context's flat input list in that order, then defines `outputs` new values
/// `output`, `output + 1`, ... (output == no_value and outputs == 0: none).
struct instruction {
  const char* op;
  std::uint32_t first;
  std::uint32_t count;
  std::uint32_t output;
  std::uint32_t outputs = 1;
};

/// An operand handed to context::operation: the pending node its value waits
/// for (no_value: none) and whether the operator consumes it as a temporary.
struct operand {
  std::uint32_t node;
  bool rvalue;
};

class context {
 public:
  context() : serial_(next_serial()), slot_(&active_slot()), below_(active_slot()) {
    if (below_ != nullptr) below_->above_ = this;
    active_slot() = this;
  }
  context(const context&) = delete;
  context& operator=(const context&) = delete;
  /// Unlinks this context from its thread's stack of contexts wherever it is
  /// (contexts may be destroyed out of order), so no pointer to it remains.
  /// Destroy a context on the thread that made it.
  ~context() {
    if (above_ != nullptr) above_->below_ = below_;
    else *slot_ = below_;
    if (below_ != nullptr) below_->above_ = above_;
  }

  /// The thread's active context (the most recent one alive), or nullptr.
  [[nodiscard]] static context* active() noexcept { return active_slot(); }
  /// Unique over all contexts of the process (all threads).
  [[nodiscard]] std::uint64_t serial() const noexcept { return serial_; }

  /// A fresh value id (an input; the caller decides the preload order).
  std::uint32_t new_value() {
    if (values_ >= no_value - 2) throw std::length_error("sutro::dmd::context: too many values (2^32 - 3)");
    return values_++;
  }

  /// Appends at once (after every pending instruction) `op` reading ids[0..n)
  /// and defining one new value (or none if !defines); returns it or no_value.
  std::uint32_t record(const char* op, const std::uint32_t* ids, std::uint32_t n, bool defines = true) {
    flush();
    const std::uint32_t node = make_node(op, ids, n, defines ? 1 : 0);
    commit_tree(node);
    return nodes_[node].output;
  }
  /// A read with no output (a branch on, or a conversion of, value `id`), appended at once.
  void read(std::uint32_t id) { (void)record("read", &id, 1, false); }

  /// Records `op` reading ids[0..n) and defining `outputs` new values as a
  /// pending node (op == nullptr: a no-op node that only groups its children) (see the file comment); returns the node (its first output
  /// is output(node)). args[0..nargs): the operands in the order Python
  /// evaluates them, each with the pending node its value waits for and
  /// whether it is a temporary the operator consumes (then its node becomes a
  /// child, appended before this one, children in args order).
  std::uint32_t operation(const char* op, const std::uint32_t* ids, std::uint32_t n, std::uint32_t outputs,
                          const operand* args, std::uint32_t nargs) {
    std::uint32_t kids[max_children];
    const std::uint32_t nkids = settle(args, nargs, kids);
    const std::uint32_t node = make_node(op, ids, n, outputs);
    if (nkids != 0) {
      cfirst_[node] = static_cast<std::uint32_t>(children_.size());
      ccount_[node] = static_cast<std::uint8_t>(nkids);
      children_.insert(children_.end(), kids, kids + nkids);
    }
    roots_.push_back(node);
    return node;
  }
  [[nodiscard]] std::uint32_t output(std::uint32_t node) const noexcept { return nodes_[node].output; }

  /// A copy of a handle waiting for pending `node` was made (a name binding):
  /// the node is never adopted as a temporary afterwards.
  void mark_named(std::uint32_t node) noexcept {
    if (node < nodes_.size()) named_[node] = 1;
  }

  /// Appends every pending instruction (trees in creation order, each
  /// post-order left to right).
  void flush() { commit_through(no_node); }
  [[nodiscard]] bool pending() const noexcept {
    for (std::size_t i = head_; i < roots_.size(); ++i)
      if (state_[roots_[i]] == root) return true;
    return false;
  }

  /// Preloaded values, bottom of the stack first.
  void set_preload(std::vector<std::uint32_t> order) { preload_ = std::move(order); }
  /// Values that stay live to the end (the function's results).
  void keep_live(std::uint32_t id) { results_.push_back(id); }

  /// The appended instructions, in order (call flush() first for all of them).
  [[nodiscard]] const std::vector<instruction>& instructions() const noexcept { return log_; }
  [[nodiscard]] const std::vector<std::uint32_t>& inputs() const noexcept { return operands_; }
  [[nodiscard]] const std::vector<std::uint32_t>& preload() const noexcept { return preload_; }
  [[nodiscard]] const std::vector<std::uint32_t>& results() const noexcept { return results_; }
  [[nodiscard]] std::uint32_t values() const noexcept { return values_; }

 private:
  static constexpr std::uint32_t no_node = no_value;
  static constexpr std::uint32_t max_children = 8;
  enum : std::uint8_t { root, adopted, committed };

  static context*& active_slot() noexcept {
    thread_local context* slot = nullptr;
    return slot;
  }
  static std::uint64_t next_serial() noexcept {
    static std::atomic<std::uint64_t> serial{0};
    return serial.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  std::uint32_t make_node(const char* op, const std::uint32_t* ids, std::uint32_t n, std::uint32_t outputs) {
    if (nodes_.size() >= no_node - 2) throw std::length_error("sutro::dmd::context: too many instructions");
    if (operands_.size() + n >= no_value) throw std::length_error("sutro::dmd::context: too many reads");
    const auto node = static_cast<std::uint32_t>(nodes_.size());
    const auto first = static_cast<std::uint32_t>(operands_.size());
    operands_.insert(operands_.end(), ids, ids + n);
    std::uint32_t out = no_value;
    for (std::uint32_t k = 0; k < outputs; ++k) {
      const std::uint32_t v = new_value();
      if (k == 0) out = v;
    }
    nodes_.push_back({op, first, n, out, outputs});
    state_.push_back(root);
    named_.push_back(0);
    cfirst_.push_back(0);
    ccount_.push_back(0);
    return node;
  }
  /// The operands of a new node: appends the pending ones that are lvalues
  /// (an earlier statement made them) through them, and adopts the
  /// temporaries when they are exactly the youngest pending trees (the
  /// operands' own evaluation; otherwise they are treated as lvalues).
  /// Writes the adopted nodes, in args order, to kids; returns how many.
  std::uint32_t settle(const operand* args, std::uint32_t nargs, std::uint32_t* kids) {
    std::uint32_t through = no_node;
    std::uint32_t nkids = 0;
    bool all = false;
    for (std::uint32_t k = 0; k < nargs; ++k) {
      const std::uint32_t d = args[k].node;
      if (d == no_node || state_[d] == committed) continue;
      if (args[k].rvalue && !named_[d] && state_[d] == root && nkids < max_children) {
        if (std::find(kids, kids + nkids, d) == kids + nkids) kids[nkids++] = d;
      } else if (state_[d] == adopted) {
        all = true;  // a copy of an adopted temporary: unusual; append everything
      } else {
        through = through == no_node ? d : std::max(through, d);
      }
    }
    if (all) flush();
    else if (through != no_node) commit_through(through);
    // (appending may have committed some of them)
    nkids = static_cast<std::uint32_t>(std::remove_if(kids, kids + nkids, [&](std::uint32_t d) {
                                         return state_[d] != root;
                                       }) - kids);
    if (nkids == 0) return 0;
    bool youngest = true;
    for (std::size_t i = roots_.size(), found = 0; found < nkids;) {
      if (i == head_) {
        youngest = false;
        break;
      }
      const std::uint32_t r = roots_[--i];
      if (state_[r] != root) continue;
      if (std::find(kids, kids + nkids, r) == kids + nkids) {
        youngest = false;
        break;
      }
      ++found;
    }
    if (!youngest) {
      commit_through(*std::max_element(kids, kids + nkids));
      return 0;
    }
    for (std::uint32_t i = 0; i < nkids; ++i) state_[kids[i]] = adopted;
    while (roots_.size() > head_ && state_[roots_.back()] != root) roots_.pop_back();
    return nkids;
  }
  /// Appends pending trees whose root was made at or before node `last`.
  void commit_through(std::uint32_t last) {
    while (head_ < roots_.size() && (last == no_node || roots_[head_] <= last)) {
      const std::uint32_t r = roots_[head_++];
      if (state_[r] == root) commit_tree(r);
    }
    if (head_ == roots_.size()) roots_.clear(), head_ = 0;
  }
  /// Post-order, children in order.
  void commit_tree(std::uint32_t r) {
    walk_.clear();
    walk_.push_back({r, 0});
    state_[r] = committed;
    while (!walk_.empty()) {
      auto& [node, k] = walk_.back();
      if (k < ccount_[node]) {
        const std::uint32_t c = children_[cfirst_[node] + k++];
        if (state_[c] == adopted) {
          state_[c] = committed;
          walk_.push_back({c, 0});
        }
      } else {
        if (nodes_[node].op != nullptr) log_.push_back(nodes_[node]);  // (nullptr: a no-op grouping node)
        walk_.pop_back();
      }
    }
  }

  struct frame {
    std::uint32_t node;
    std::uint32_t k;
  };
  std::uint64_t serial_;
  context** slot_;
  context* below_;
  context* above_ = nullptr;
  std::uint32_t values_ = 0;
  std::vector<instruction> nodes_;  // creation order
  std::vector<std::uint8_t> state_, named_, ccount_;
  std::vector<std::uint32_t> cfirst_, children_;
  std::vector<std::uint32_t> operands_;
  std::vector<std::uint32_t> roots_;  // pending trees, creation order (lazy removal)
  std::size_t head_ = 0;
  std::vector<frame> walk_;
  std::vector<instruction> log_;
  std::vector<std::uint32_t> preload_, results_;
};

}  // namespace sutro::dmd
