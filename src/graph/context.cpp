#include "graph/context.h"

#include "graph/graph_error.h"

namespace graph {

Context& Context::operator=(const Context& other) {
  if (this == &other) return *this;
  reset();
  other.for_each([this](std::string_view key, const Json& value) { set(key, value); });
  return *this;
}

const Json* Context::find(std::string_view key) const {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  const Entry& e = entries_[it->second];
  return e.set ? &e.value : nullptr;
}

void Context::set(std::string_view key, Json value) {
  set(intern(key), std::move(value));
}

Context::Slot Context::intern(std::string_view key) {
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  Entry& e = entries_.emplace_back(Entry{std::string(key), nullptr, false});
  const auto slot = static_cast<Slot>(entries_.size() - 1);
  index_.emplace(e.key, slot);
  return slot;
}

void Context::set(Slot slot, Json value) {
  Entry& e = entries_[slot];
  if (!e.set) ++live_;
  e.value.swap(value);  // the old value leaves with `value`
  e.set = true;
}

bool Context::erase(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  Entry& e = entries_[it->second];
  if (!e.set) return false;
  e.set = false;
  e.value = nullptr;
  --live_;
  return true;
}

void Context::reset() {
  for (Entry& e : entries_) {
    e.set = false;
    // Frees strings, arrays and objects; keeps the key. Numbers, booleans and
    // null own nothing: they stay, unset, for the next set() to overwrite.
    if (e.value.is_structured() || e.value.is_string() || e.value.is_binary()) e.value = nullptr;
  }
  live_ = 0;
}

core::Status Context::merge(const Json& object) {
  if (!object.is_object()) {
    return graph_error(GraphErrorCode::kContext,
                       std::string("context must be a JSON object, got ") + object.type_name());
  }
  for (const auto& [key, value] : object.items())
    set(key, value);
  return core::Status();
}

Json Context::to_json() const {
  Json out = Json::object();
  for_each([&out](std::string_view key, const Json& value) { out[std::string(key)] = value; });
  return out;
}

void Context::for_each(const std::function<void(std::string_view, const Json&)>& fn) const {
  for (const Entry& e : entries_) {
    if (e.set) fn(e.key, e.value);
  }
}

}  // namespace graph
