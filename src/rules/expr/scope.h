// rules/expr/scope.h: where an expression's top-level names come from.
//
// `amount > 100 && user.tier == "gold"` reads the names `amount` and `user`
// from a Scope: a graph run's Context (graph/context.h), or the facts of a
// rule session, where `Order.Total` names the fact `Order`. Everything below
// the top-level name (members, indexes) is the expression's own business.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rules::expr {

using Json = nlohmann::json;

class Scope {
 public:
  // The value of `name`, or nullptr when the scope has none.
  virtual const Json* find(std::string_view name) const = 0;

 protected:
  Scope() = default;
  Scope(const Scope&) = default;
  Scope& operator=(const Scope&) = default;
  ~Scope() = default;
};

// A Scope of named JSON values held by value: facts, or a test's inputs.
class ObjectScope final : public Scope {
 public:
  ObjectScope() = default;
  // The members of `object` become the names (anything else gives none).
  explicit ObjectScope(const Json& object);

  const Json* find(std::string_view name) const override;
  // The value to change in place, or nullptr.
  Json* find_mutable(std::string_view name);
  void set(std::string_view name, Json value);
  // Every name and value, in name order.
  const std::map<std::string, Json, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, Json, std::less<>> values_;
};

}  // namespace rules::expr
