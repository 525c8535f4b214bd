#include "rules/engine/actions.h"

#include <algorithm>

#include "core/containers/append_unique.h"
#include "rules/expr/operations.h"

namespace rules::engine {
namespace {

using expr::Json;

core::Error plain(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

// `path` is "Fact.Field" for an assignment, "Fact" for Update and Changed.
void note_changed(Effects& fx, const std::string& fact, const std::string& path) {
  core::append_unique(fx.changed, fact);
  core::append_unique(fx.changed_paths, path);
}

const char* type_name(const Json& v) {
  return v.is_object()    ? "an object"
         : v.is_array()   ? "an array"
         : v.is_string()  ? "a string"
         : v.is_boolean() ? "a boolean"
         : v.is_null()    ? "null"
                          : "a number";
}

core::Status assign(const grl::Assignment& a, expr::ObjectScope& facts, Effects& fx) {
  auto value = a.value.evaluate(facts);
  if (!value) return value.error();
  Json* at = facts.find_mutable(a.fact);
  if (at == nullptr) return plain("fact '" + a.fact + "' is not set");
  std::string path = a.fact;
  for (size_t i = 0; i + 1 < a.fields.size(); ++i) {
    if (at->is_null()) *at = Json::object();  // a missing object on the way is made
    if (!at->is_object()) {
      return plain("'" + path + "' is " + type_name(*at) + ", not an object with fields");
    }
    path += "." + a.fields[i];
    at = &(*at)[a.fields[i]];
  }
  if (at->is_null()) *at = Json::object();
  if (!at->is_object()) return plain("'" + path + "' is " + type_name(*at) + ", not an object");
  const std::string& field = a.fields.back();
  path += "." + field;
  if (a.op == grl::AssignOp::kSet) {
    (*at)[field] = std::move(value).value();
  } else {
    auto current = at->find(field);
    if (current == at->end()) {
      return plain("'" + path + "' is not set, so " + (a.op == grl::AssignOp::kAdd ? "+=" : "-=") +
                   " has nothing to change");
    }
    Json out;
    expr::Op op = a.op == grl::AssignOp::kAdd ? expr::Op::kAdd : expr::Op::kSub;
    if (auto s = expr::arithmetic(op, *current, value.value(), 1, out); !s) return s;
    *current = std::move(out);
  }
  note_changed(fx, a.fact, a.fact + "." + a.fields.front());
  return {};
}

core::Status fact_name_arg(const grl::ActionCall& call, const expr::ObjectScope& facts,
                           std::string& out) {
  auto v = call.args[0].evaluate(facts);
  if (!v) return v.error();
  if (!v.value().is_string()) {
    return plain(std::string(grl::action_name(call.action)) + " takes a name in quotes, found " +
                 type_name(v.value()));
  }
  out = v.value().get<std::string>();
  return {};
}

core::Status act(const grl::ActionCall& call, expr::ObjectScope& facts, Effects& fx) {
  std::string name;
  switch (call.action) {
    case grl::Action::kUpdate:
    case grl::Action::kChanged:
      if (auto s = fact_name_arg(call, facts, name); !s) return s;
      if (facts.find(name) == nullptr) return plain("fact '" + name + "' is not set");
      note_changed(fx, name, name);
      return {};
    case grl::Action::kRetract:
      if (auto s = fact_name_arg(call, facts, name); !s) return s;
      fx.retracted.push_back(name);
      return {};
    case grl::Action::kComplete:
      fx.complete = true;
      return {};
    case grl::Action::kLog: {
      std::string line;
      for (const auto& arg : call.args) {
        auto v = arg.evaluate(facts);
        if (!v) return v.error();
        if (!line.empty()) line += ' ';
        line += v.value().is_string() ? v.value().get<std::string>() : v.value().dump();
      }
      fx.log.push_back(std::move(line));
      return {};
    }
  }
  return {};
}

core::Status run_block(const grl::Rule& rule, const std::string& file,
                       const std::vector<grl::Statement>& block, expr::ObjectScope& facts,
                       Effects& fx) {
  for (const grl::Statement& st : block) {
    core::Status s;
    const char* what = "in an action";
    if (const auto* a = std::get_if<grl::Assignment>(&st.body)) {
      what = "in an assignment";
      s = assign(*a, facts, fx);
    } else if (const auto* call = std::get_if<grl::ActionCall>(&st.body)) {
      s = act(*call, facts, fx);
    } else {
      const auto& branch = std::get<grl::IfElse>(st.body);
      auto truth = branch.condition.evaluate_bool(facts);
      if (!truth) return rule_error(rule, file, st.pos, "in an if condition", truth.error());
      s = run_block(rule, file, truth.value() ? branch.then_branch : branch.else_branch, facts, fx);
      if (!s) return s;  // already names the rule
      continue;
    }
    if (!s) return rule_error(rule, file, st.pos, what, s.error());
  }
  return {};
}

}  // namespace

core::Status run_actions(const grl::Rule& rule, const std::string& file, expr::ObjectScope& facts,
                         Effects& effects) {
  return run_block(rule, file, rule.then, facts, effects);
}

core::Error rule_error(const grl::Rule& rule, const std::string& file, grl::SourcePos pos,
                       const std::string& what, const core::Error& inner) {
  std::string message = inner.message();
  // The expression language says "context key"; in rules the names are facts.
  if (message.starts_with("context key ")) message = "fact " + message.substr(12);
  core::Error e(inner.code(), "rule \"" + rule.name + "\": " + what + ": " + message);
  if (!inner.tag().empty()) e.with_tag(inner.tag());
  e.with_file(file, pos.line, pos.column);
  return e;
}

}  // namespace rules::engine
