#include "rules/expr/scope.h"

#include <utility>

namespace rules::expr {

ObjectScope::ObjectScope(const Json& object) {
  if (!object.is_object()) return;
  for (const auto& [name, value] : object.items())
    values_.emplace(name, value);
}

const Json* ObjectScope::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

Json* ObjectScope::find_mutable(std::string_view name) {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

void ObjectScope::set(std::string_view name, Json value) {
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(std::string(name), std::move(value));
  } else {
    it->second = std::move(value);
  }
}

}  // namespace rules::expr
