#include "rules_batch.h"

#include "rules_report.h"

namespace lgraph {

using rules::expr::Json;

namespace {

// Runs one line's facts; the JSON to print for it, or the error.
core::Result<Json> run_line(const std::shared_ptr<const rules::engine::KnowledgeBase>& kb,
                            const std::string& line, const rules::engine::RunOptions& options) {
  Json facts = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (facts.is_discarded() || !facts.is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "not a JSON object of named facts, e.g. {\"Order\": {\"Qty\": 2}}");
  }
  rules::engine::Session session(kb);
  for (auto& [name, value] : facts.items())
    session.set_fact(name, std::move(value));
  auto result = session.run(options);
  if (!result) return result.error();
  return run_json(session, result.value(), options.trace);
}

}  // namespace

core::Result<size_t> run_batch(const std::shared_ptr<const rules::engine::KnowledgeBase>& kb,
                               std::istream& in, const std::string& where, std::FILE* out,
                               const rules::engine::RunOptions& options) {
  size_t failed = 0, number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto result = run_line(kb, line, options);
    Json record = {{"line", number}};
    if (result) {
      record.update(result.value());
    } else {
      ++failed;
      std::string error = result.error().to_string();
      std::fprintf(stderr, "%s:%zu: %s\n", where.c_str(), number, error.c_str());
      record["error"] = std::move(error);
    }
    std::string text = record.dump();
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), out);
  }
  if (in.bad()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "cannot read past line " + std::to_string(number))
        .with_file(where);
  }
  return failed;
}

}  // namespace lgraph
