#pragma once
// (tracked<T> is in sutro/metrics/dmd/tracked.hpp; include that.)
// dmd::context: the instruction log that tracked<T> writes into. One context
// is active per thread at a time (dmd::bytedmd opens one); a tracked value
// remembers which context made it (a serial unique across threads), and using
// it under another context, on another thread or after its context is gone
// throws.
//
//   sutro::metrics::dmd::context ctx;            // becomes this thread's active context
//   auto a = sutro::metrics::dmd::tracked<double>::input(1.0), b = sutro::metrics::dmd::tracked<double>::input(2.0);
//   auto c = a + b;                     // "add v0 v1 -> v2", pending (see below)
//   ctx.flush();
//   ctx.logged();                       // 1
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
// What this cannot see (docs/metrics.md): when C++ evaluates a call to a user
// function that computes (its body, its argument expressions) relative to the
// other operands of the expression around it (GCC: right to left), a
// branch (?:, a conversion) inside an expression, and an operation that
// throws inside an expression (in `a*b + floordiv(c, 0)` GCC throws before
// computing a*b, which Python records; in `floordiv(c, 0) + a*b` after,
// which Python does not); give such calls names first.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sutro::metrics::dmd {

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
    adopt_spare();
  }
  context(const context&) = delete;
  context& operator=(const context&) = delete;
  /// Unlinks this context from its thread's stack of contexts wherever it is
  /// (contexts may be destroyed out of order), so no pointer to it remains.
  /// Destroy a context on the thread that made it.
  ~context() {
    if (above_ != nullptr)
      above_->below_ = below_;
    else
      *slot_ = below_;
    if (below_ != nullptr) below_->above_ = above_;
    leave_spare();
  }

  /// The thread's active context (the most recent one alive), or nullptr.
  [[nodiscard]] static context* active() noexcept { return active_slot(); }
  /// Unique over all contexts of the process (all threads).
  [[nodiscard]] std::uint64_t serial() const noexcept { return serial_; }

  /// A fresh value id (an input; the caller decides the preload order).
  std::uint32_t new_value() {
    if (values_ >= no_value - 3) throw std::length_error("sutro::metrics::dmd::context: too many values (2^32 - 3)");
    return values_++;
  }

  /// Appends at once (after every pending instruction) `op` reading ids[0..n)
  /// and defining one new value (or none if !defines); returns it or no_value.
  std::uint32_t record(const char* op, const std::uint32_t* ids, std::uint32_t n, bool defines = true) {
    flush();
    const std::uint32_t node = make_node(op, ids, n, defines ? 1 : 0);
    commit_tree(node);
    return nodes_[node].ins.output;
  }
  /// A read with no output (a branch on, or a conversion of, value `id`), appended at once.
  void read(std::uint32_t id) { (void)record("read", &id, 1, false); }

  /// Records `op` reading ids[0..n) and defining `outputs` new values as a
  /// pending node (op == nullptr: a no-op node that only groups its children) (see the file comment); returns the node
  /// (its first output is output(node)). args[0..nargs): the operands in the order Python evaluates them, each with the
  /// pending node its value waits for and whether it is a temporary the operator consumes (then its node becomes a
  /// child, appended before this one, children in args order).
  std::uint32_t operation(const char* op, const std::uint32_t* ids, std::uint32_t n, std::uint32_t outputs,
                          const operand* args, std::uint32_t nargs) {
    std::uint32_t kids[max_children];
    const std::uint32_t nkids = nargs == 0 ? 0 : settle(args, nargs, kids);
    const std::uint32_t node = make_node(op, ids, n, outputs);
    if (nkids != 0) {
      nodes_[node].cfirst = static_cast<std::uint32_t>(children_.size());
      nodes_[node].ccount = static_cast<std::uint8_t>(nkids);
      children_.insert(children_.end(), kids, kids + nkids);
    }
    roots_.push_back(node);
    return node;
  }
  [[nodiscard]] std::uint32_t output(std::uint32_t node) const noexcept { return nodes_[node].ins.output; }

  /// A copy of a handle waiting for pending `node` was made (a name binding):
  /// the node is never adopted as a temporary afterwards.
  void mark_named(std::uint32_t node) noexcept {
    if (node < nodes_.size()) nodes_[node].named = 1;
  }

  /// Appends every pending instruction (trees in creation order, each
  /// post-order left to right).
  void flush() { commit_through(no_node); }
  [[nodiscard]] bool pending() const noexcept {
    for (std::size_t i = head_; i < roots_.size(); ++i)
      if (nodes_[roots_[i]].state == root) return true;
    return false;
  }

  /// Preloaded values, bottom of the stack first: each a value of this
  /// context, once (std::invalid_argument otherwise; the old order is kept).
  void set_preload(std::vector<std::uint32_t> order) {
    std::vector<std::uint8_t> seen(values_, 0);
    for (std::uint32_t id : order) {
      if (id >= values_)
        throw std::invalid_argument("sutro::metrics::dmd::context::set_preload: v" + std::to_string(id) +
                                    " is not a value of this context (" + std::to_string(values_) + " made)");
      if (seen[id]++)
        throw std::invalid_argument("sutro::metrics::dmd::context::set_preload: v" + std::to_string(id) +
                                    " is preloaded twice");
    }
    preload_ = std::move(order);
  }
  /// Values that stay live to the end (the function's results).
  void keep_live(std::uint32_t id) {
    if (id >= values_)
      throw std::invalid_argument("sutro::metrics::dmd::context::keep_live: v" + std::to_string(id) +
                                  " is not a value of this context (" + std::to_string(values_) + " made)");
    results_.push_back(id);
  }

  /// The appended instructions, in order (call flush() first for all of them):
  /// how many, the t-th, and a copy of them all.
  [[nodiscard]] std::size_t logged() const noexcept { return order_.size(); }
  [[nodiscard]] const instruction& logged(std::size_t t) const noexcept { return nodes_[order_[t]].ins; }
  [[nodiscard]] std::vector<instruction> instructions() const {
    std::vector<instruction> v;
    v.reserve(order_.size());
    for (std::uint32_t n : order_) v.push_back(nodes_[n].ins);
    return v;
  }
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
    if (nodes_.size() >= no_node - 2) throw std::length_error("sutro::metrics::dmd::context: too many instructions");
    if (operands_.size() + n >= no_value) throw std::length_error("sutro::metrics::dmd::context: too many reads");
    if (values_ + outputs >= no_value - 2)
      throw std::length_error("sutro::metrics::dmd::context: too many values (2^32 - 3)");
    for (std::uint32_t k = 0; k < n; ++k)
      if (ids[k] >= values_)
        throw std::invalid_argument("sutro::metrics::dmd::context: operand v" + std::to_string(ids[k]) +
                                    " is not a value of this context (" + std::to_string(values_) + " made)");
    const auto node = static_cast<std::uint32_t>(nodes_.size());
    const auto first = static_cast<std::uint32_t>(operands_.size());
    for (std::uint32_t k = 0; k < n; ++k) operands_.push_back(ids[k]);
    const std::uint32_t out = outputs != 0 ? values_ : no_value;
    values_ += outputs;
    nodes_.push_back({{op, first, n, out, outputs}, 0, 0, root, 0});
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
      if (d == no_node) continue;
      const node_data& D = nodes_[d];
      if (D.state == committed) continue;
      if (args[k].rvalue && !D.named && D.state == root && nkids < max_children) {
        if (std::find(kids, kids + nkids, d) == kids + nkids) kids[nkids++] = d;
      } else if (D.state == adopted) {
        all = true;  // a copy of an adopted temporary: unusual; append everything
      } else {
        through = through == no_node ? d : std::max(through, d);
      }
    }
    if (nkids == 0) {
      if (all)
        flush();
      else if (through != no_node)
        commit_through(through);
      return 0;
    }
    if (all)
      flush();
    else if (through != no_node)
      commit_through(through);
    // (appending may have committed some of them)
    nkids = static_cast<std::uint32_t>(
        std::remove_if(kids, kids + nkids, [&](std::uint32_t d) { return nodes_[d].state != root; }) - kids);
    if (nkids == 0) return 0;
    // adopted only if they are the youngest pending trees
    while (roots_.size() > head_ && nodes_[roots_.back()].state != root) roots_.pop_back();
    bool youngest = true;
    for (std::size_t i = roots_.size(), found = 0; found < nkids;) {
      if (i == head_) {
        youngest = false;
        break;
      }
      const std::uint32_t r = roots_[--i];
      if (nodes_[r].state != root) continue;
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
    for (std::uint32_t i = 0; i < nkids; ++i) nodes_[kids[i]].state = adopted;
    while (roots_.size() > head_ && nodes_[roots_.back()].state != root) roots_.pop_back();
    return nkids;
  }
  /// Appends pending trees whose root was made at or before node `last`.
  void commit_through(std::uint32_t last) {
    while (head_ < roots_.size() && (last == no_node || roots_[head_] <= last)) {
      const std::uint32_t r = roots_[head_++];
      if (nodes_[r].state == root) commit_tree(r);
    }
    if (head_ == roots_.size()) roots_.clear(), head_ = 0;
  }
  /// Post-order, children in order.
  void commit_tree(std::uint32_t r) {
    if (nodes_[r].ccount == 0) {  // the common case: a leaf
      nodes_[r].state = committed;
      if (nodes_[r].ins.op != nullptr) order_.push_back(r);
      return;
    }
    walk_.clear();
    walk_.push_back({r, 0});
    nodes_[r].state = committed;
    while (!walk_.empty()) {
      auto& [node, k] = walk_.back();
      if (k < nodes_[node].ccount) {
        const std::uint32_t c = children_[nodes_[node].cfirst + k++];
        if (nodes_[c].state == adopted) {
          nodes_[c].state = committed;
          walk_.push_back({c, 0});
        }
      } else {
        if (nodes_[node].ins.op != nullptr) order_.push_back(node);  // (nullptr: a no-op grouping node)
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
  struct node_data {
    instruction ins;
    std::uint32_t cfirst;  // children_[cfirst, cfirst + ccount): adopted operands, in order
    std::uint8_t ccount;
    std::uint8_t state;
    std::uint8_t named;
  };
  // A thread's last log buffers (up to spare_limit bytes) are handed to its
  // next context: sweeps that trace many programs in turn neither reallocate
  // nor fault in fresh pages for every one.
  static constexpr std::size_t spare_limit = std::size_t{32} << 20;
  struct buffers {
    std::vector<node_data> nodes;
    std::vector<std::uint32_t> children, operands, roots, order;
  };
  static buffers& spare() noexcept {
    thread_local buffers b;
    return b;
  }
  void adopt_spare() noexcept {
    buffers& b = spare();
    nodes_.swap(b.nodes);
    children_.swap(b.children);
    operands_.swap(b.operands);
    roots_.swap(b.roots);
    order_.swap(b.order);
  }
  void leave_spare() noexcept {
    const std::size_t bytes = nodes_.capacity() * sizeof(node_data) +
                              4 * (children_.capacity() + operands_.capacity() + roots_.capacity() + order_.capacity());
    buffers& b = spare();
    if (bytes > spare_limit || bytes <= b.nodes.capacity() * sizeof(node_data) + 4 * b.operands.capacity()) return;
    nodes_.clear(), children_.clear(), operands_.clear(), roots_.clear(), order_.clear();
    nodes_.swap(b.nodes);
    children_.swap(b.children);
    operands_.swap(b.operands);
    roots_.swap(b.roots);
    order_.swap(b.order);
  }

  std::vector<node_data> nodes_;  // creation order
  std::vector<std::uint32_t> children_;
  std::vector<std::uint32_t> operands_;
  std::vector<std::uint32_t> roots_;  // pending trees, creation order (lazy removal)
  std::size_t head_ = 0;
  std::vector<frame> walk_;
  std::vector<std::uint32_t> order_;  // appended nodes, in order
  std::vector<std::uint32_t> preload_, results_;
};

}  // namespace sutro::metrics::dmd
