#include "yaml_budget.hpp"

#include <sstream>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace coexlab {
namespace {

// Thrown out of the parser's callbacks to stop at the first problem.
struct Stop {
  YamlBudgetError error;
};

class Counter : public YAML::EventHandler {
 public:
  Counter(std::int64_t max_nodes, int max_depth) : max_(max_nodes), max_depth_(max_depth) {}

  void OnDocumentStart(const YAML::Mark& m) override {
    if (++documents_ > 1) {
      throw Stop{{m.line + 1, m.column + 1,
                  "a second YAML document starts here: a scenario is one document (remove "
                  "the '---' and what follows, or put it in a file of its own)"}};
    }
  }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { leaf(m, a); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                const std::string&) override {
    leaf(m, a);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    const auto it = size_.find(a);
    if (it == size_.end()) {
      // yaml-cpp knows the anchor (else it throws), so its node is still open: a cycle.
      throw Stop{{m.line + 1, m.column + 1,
                  fmt::format("alias '*{}' refers to a node that contains it (a cycle); "
                              "refusing to read it",
                              name_of(a))}};
    }
    add(m, it->second);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    open(m, a);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                  YAML::EmitterStyle::value) override {
    open(m, a);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::int64_t total_at_start;  // nodes counted before this one
  };

  void add(const YAML::Mark& m, std::int64_t nodes) {
    total_ += nodes;  // both terms are at most max_ (checked below), so this cannot overflow
    if (total_ > max_) {
      throw Stop{{m.line + 1, m.column + 1,
                  fmt::format("the document expands to more than {} nodes (aliases "
                              "included); refusing to read it",
                              max_)}};
    }
  }
  void name(YAML::anchor_t a) {
    if (a != YAML::NullAnchor) names_[a] = pending_name_;
    pending_name_.clear();
  }
  std::string name_of(YAML::anchor_t a) const {
    const auto it = names_.find(a);
    return it == names_.end() ? std::string("?") : it->second;
  }
  void leaf(const YAML::Mark& m, YAML::anchor_t a) {
    name(a);
    add(m, 1);
    if (a != YAML::NullAnchor) size_[a] = 1;
  }
  void open(const YAML::Mark& m, YAML::anchor_t a) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      throw Stop{{m.line + 1, m.column + 1,
                  fmt::format("the document nests lists and mappings more than {} deep; "
                              "refusing to read it",
                              max_depth_)}};
    }
    name(a);
    stack_.push_back({a, total_});
    add(m, 1);
  }
  void close() {
    if (stack_.empty()) return;
    const Open o = stack_.back();
    stack_.pop_back();
    if (o.anchor != YAML::NullAnchor) size_[o.anchor] = total_ - o.total_at_start;
  }

  std::int64_t max_;
  int max_depth_;
  int documents_ = 0;
  std::int64_t total_ = 0;
  std::vector<Open> stack_;
  std::unordered_map<YAML::anchor_t, std::int64_t> size_;  // expanded size of closed anchors
  std::unordered_map<YAML::anchor_t, std::string> names_;
  std::string pending_name_;
};

}  // namespace

std::optional<YamlBudgetError> check_yaml_budget(const std::string& text, std::int64_t max_nodes,
                                                 int max_depth) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  Counter counter(max_nodes, max_depth);
  try {
    if (!parser.HandleNextDocument(counter)) return std::nullopt;
  } catch (const Stop& s) {
    return s.error;
  } catch (const YAML::Exception&) {
    return std::nullopt;  // a syntax error: YAML::Load reports it
  }
  // The first document is sound; anything after it is a second document (refused at its
  // start) or a syntax error there, which YAML::Load would never see.
  try {
    parser.HandleNextDocument(counter);
  } catch (const Stop& s) {
    return s.error;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int col = e.mark.is_null() ? 1 : e.mark.column + 1;
    return YamlBudgetError{line, col, "YAML syntax: " + e.msg};
  }
  return std::nullopt;
}

}  // namespace coexlab
