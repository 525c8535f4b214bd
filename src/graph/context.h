// graph/context.h: the values that flow through a graph run.
//
// A Context maps string keys to JSON values. Every node writes `<id>_result`
// into it; expressions read it (see expr/). Contexts are pooled between runs,
// and a pool only pays if the pooled object keeps its storage: reset()
// forgets the values but keeps each key's entry, so a run that sets the same
// keys as the last one allocates nothing for them (and, for numbers, bools
// and null, nothing at all: reset() leaves those values in place, hidden).
//
// Keys a caller writes often can be interned: intern(key) returns a slot,
// stable for the life of the Context (reset() keeps it), and set(slot, v)
// writes without hashing the key. A graph interns the keys it writes into
// every Context it makes, in the same order, so one slot number is valid in
// all of them.
//
// for_each() visits keys in their first insertion order; to_json() gives a
// JSON object, whose keys nlohmann::json keeps sorted. Not thread-safe: a
// run guards its Context itself. It is the Scope (rules/expr/scope.h) the
// graph's expressions read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "rules/expr/scope.h"

namespace graph {

using Json = nlohmann::json;

class Context final : public rules::expr::Scope {
 public:
  Context() = default;
  Context(const Context& other) { *this = other; }
  Context& operator=(const Context& other);
  Context(Context&&) = default;
  Context& operator=(Context&&) = default;

  // The value under `key`, or nullptr when the key is not set.
  const Json* find(std::string_view key) const override;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  // Sets `key` to `value`, replacing what was there.
  void set(std::string_view key, Json value);

  using Slot = uint32_t;
  // The slot of `key`, making an unset entry for it if there is none.
  Slot intern(std::string_view key);
  // Sets the key of `slot` (from intern() on this Context) to `value`.
  void set(Slot slot, Json value);
  // The same for a boolean (every RuleNode's result): no JSON temporary, and
  // no allocation or destruction when the slot held a boolean before.
  // (A name of its own: an overload of set() would catch ints and pointers.)
  void set_bool(Slot slot, bool value) {
    Entry& e = entries_[slot];
    live_ += e.set ? 0 : 1;
    e.set = true;
    if (e.value.is_boolean()) {
      *e.value.get_ptr<bool*>() = value;
    } else {
      e.value = value;
    }
  }
  // The value of `slot`'s key, or nullptr when it is not set.
  const Json* get(Slot slot) const {
    const Entry& e = entries_[slot];
    return e.set ? &e.value : nullptr;
  }
  // Unsets `key`; false if it was not set.
  bool erase(std::string_view key);

  // Keys set now.
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Unsets every key but keeps the storage (see above).
  void reset();

  // Sets every member of a JSON object; E010 if `object` is not an object.
  core::Status merge(const Json& object);
  // The keys set, as one JSON object (keys sorted).
  Json to_json() const;

  // Calls fn(key, value) for each key set, in insertion order.
  void for_each(const std::function<void(std::string_view, const Json&)>& fn) const;

 private:
  struct Entry {
    std::string key;
    Json value;
    bool set = false;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Entries never move (deque), so the index may point at their keys.
  std::deque<Entry> entries_;
  std::unordered_map<std::string_view, uint32_t, KeyHash, std::equal_to<>> index_;
  size_t live_ = 0;
};

}  // namespace graph
