#include "rules_report.h"

namespace lgraph {

using rules::expr::Json;

Json facts_json(const rules::expr::ObjectScope& facts) {
  Json out = Json::object();
  for (const auto& [name, value] : facts.values())
    out[name] = value;
  return out;
}

namespace {

Json trace_json(const std::vector<rules::engine::Firing>& trace) {
  Json out = Json::array();
  for (const auto& f : trace) {
    out.push_back({{"firing", f.number},
                   {"rule", f.rule},
                   {"salience", f.salience},
                   {"because", f.condition},
                   {"changed", f.changed},
                   {"retracted", f.retracted}});
  }
  return out;
}

}  // namespace

Json run_json(const rules::engine::Session& session, const rules::engine::RunResult& result,
              bool with_trace) {
  Json out = {{"facts", facts_json(session.facts())},
              {"firings", result.firings},
              {"completed", result.completed},
              {"log", result.log}};
  if (with_trace) out["trace"] = trace_json(result.trace);
  return out;
}

}  // namespace lgraph
