#include "rules/engine/knowledge_base.h"
#include "core/containers/append_unique.h"

#include <algorithm>
#include <numeric>

namespace rules::engine {
namespace {

// Retract("Name") with a literal name must name a rule of the set.
core::Status check_retracts(const KnowledgeBase& kb, const std::vector<grl::Statement>& block,
                            const grl::Rule& rule) {
  for (const grl::Statement& st : block) {
    if (const auto* branch = std::get_if<grl::IfElse>(&st.body)) {
      if (auto s = check_retracts(kb, branch->then_branch, rule); !s) return s;
      if (auto s = check_retracts(kb, branch->else_branch, rule); !s) return s;
      continue;
    }
    const auto* call = std::get_if<grl::ActionCall>(&st.body);
    if (call == nullptr || call->action != grl::Action::kRetract) continue;
    // A literal's value needs no facts: evaluate it against an empty scope.
    auto name = call->args[0].evaluate(expr::ObjectScope());
    if (!name || !name.value().is_string()) continue;  // computed: checked when it runs
    if (kb.find_rule(name.value().get<std::string>()) < 0) {
      return core::Error(core::ErrorCode::kInvalidArgument,
                         "rule \"" + rule.name + "\" retracts \"" +
                             name.value().get<std::string>() +
                             "\", which is not a rule of this file")
          .with_file(kb.file(), st.pos.line, st.pos.column);
    }
  }
  return {};
}

// The facts a block's expressions read and its assignments write.
void collect_facts(const std::vector<grl::Statement>& block, std::vector<std::string>& used,
                   std::vector<std::string>& assigned) {
  auto reads = [&used](const Expression& e) {
    for (const std::string& name : e.referenced_keys())
      core::append_unique(used, name);
  };
  for (const grl::Statement& st : block) {
    if (const auto* a = std::get_if<grl::Assignment>(&st.body)) {
      core::append_unique(used, a->fact);
      core::append_unique(assigned, a->fact);
      reads(a->value);
    } else if (const auto* call = std::get_if<grl::ActionCall>(&st.body)) {
      for (const Expression& arg : call->args)
        reads(arg);
    } else {
      const auto& branch = std::get<grl::IfElse>(st.body);
      reads(branch.condition);
      collect_facts(branch.then_branch, used, assigned);
      collect_facts(branch.else_branch, used, assigned);
    }
  }
}

}  // namespace

KnowledgeBase::KnowledgeBase(grl::RuleSet rules) : set_(std::move(rules)), flat_(set_.rules) {
  order_.resize(set_.rules.size());
  std::iota(order_.begin(), order_.end(), size_t{0});
  std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
    return set_.rules[a].salience > set_.rules[b].salience;
  });
  for (size_t i = 0; i < set_.rules.size(); ++i) {
    by_name_.emplace(set_.rules[i].name, i);
    for (const std::string& path : set_.rules[i].when.read_paths()) {
      std::string fact = path.substr(0, path.find('.'));
      readers_[fact].emplace_back(path, i);
      core::append_unique(facts_used_, fact);
    }
    collect_facts(set_.rules[i].then, facts_used_, facts_assigned_);
  }
  std::sort(facts_used_.begin(), facts_used_.end());
  std::sort(facts_assigned_.begin(), facts_assigned_.end());
}

core::Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::build(grl::RuleSet rules) {
  std::shared_ptr<const KnowledgeBase> kb(new KnowledgeBase(std::move(rules)));
  for (const grl::Rule& rule : kb->rules()) {
    if (auto s = check_retracts(*kb, rule.then, rule); !s) return s.error();
  }
  return kb;
}

long KnowledgeBase::find_rule(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : static_cast<long>(it->second);
}

}  // namespace rules::engine
