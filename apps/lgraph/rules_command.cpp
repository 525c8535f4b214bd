#include "rules_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "rules/engine/session.h"
#include "rules/grl/grl_parser.h"
#include "rules_batch.h"
#include "rules_report.h"

namespace lgraph {

struct RulesCommand::Options {
  CLI::App* rules_cmd = nullptr;
  CLI::App* check_cmd = nullptr;
  CLI::App* run_cmd = nullptr;
  std::string file;
  std::string facts = "{}";
  std::string batch;
  bool trace = false;
  std::string output = "pretty";
  size_t max_firings = 10000;
};

namespace {

using rules::expr::Json;
namespace engine = rules::engine;

int fail(const core::Error& error) {
  std::fprintf(stderr, "%s\n", error.to_string().c_str());
  return 1;
}

core::Result<std::shared_ptr<const engine::KnowledgeBase>> load(const std::string& file) {
  auto set = rules::grl::load_grl(file);
  if (!set) return set.error();
  return engine::KnowledgeBase::build(std::move(set).value());
}

// --facts: a JSON object, inline or @path.
core::Result<Json> read_facts(const std::string& arg) {
  std::string text = arg, where = "--facts";
  if (!arg.empty() && arg[0] == '@') {
    where = arg.substr(1);
    std::ifstream in(where);
    if (!in) {
      return core::Error(core::ErrorCode::kNotFound, "cannot read the facts file").with_file(where);
    }
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  Json facts = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (facts.is_discarded() || !facts.is_object()) {
    return core::Error(core::ErrorCode::kInvalidArgument,
                       "the facts must be a JSON object of named facts, e.g. "
                       "{\"Order\": {\"Qty\": 2}}")
        .with_file(where);
  }
  return facts;
}

// --batch FILE.jsonl or - (standard input); exit 1 when any line failed.
int run_batch_file(const std::shared_ptr<const engine::KnowledgeBase>& kb, const std::string& path,
                   const engine::RunOptions& options) {
  core::Result<size_t> failed = 0;
  if (path == "-") {
    failed = run_batch(kb, std::cin, "<stdin>", stdout, options);
  } else {
    std::ifstream in(path);
    if (!in) {
      return fail(
          core::Error(core::ErrorCode::kNotFound, "cannot read the batch file").with_file(path));
    }
    failed = run_batch(kb, in, path, stdout, options);
  }
  if (!failed) return fail(failed.error());
  if (failed.value() > 0) {
    std::fprintf(stderr, "%zu line%s failed\n", failed.value(), failed.value() == 1 ? "" : "s");
  }
  return failed.value() > 0 ? 1 : 0;
}

int check(const RulesCommand::Options& o) {
  auto kb = load(o.file);
  if (!kb) return fail(kb.error());
  std::printf("%s: ok (%zu rules)\n", o.file.c_str(), kb.value()->rules().size());
  return 0;
}

int run_rules(const RulesCommand::Options& o) {
  auto kb = load(o.file);
  if (!kb) return fail(kb.error());
  engine::RunOptions options;
  options.trace = o.trace;
  options.max_firings = o.max_firings;
  if (!o.batch.empty()) return run_batch_file(kb.value(), o.batch, options);
  auto facts = read_facts(o.facts);
  if (!facts) return fail(facts.error());
  engine::Session session(kb.value());
  for (const auto& [name, value] : facts.value().items())
    session.set_fact(name, value);
  auto result = session.run(options);
  if (!result) return fail(result.error());
  const engine::RunResult& r = result.value();
  if (o.output == "json") {
    std::printf("%s\n", run_json(session, r, o.trace).dump().c_str());
    return 0;
  }
  std::printf("%s\n", facts_json(session.facts()).dump(2).c_str());
  std::printf("%zu rule firing%s%s\n", r.firings, r.firings == 1 ? "" : "s",
              r.completed ? ", ended by Complete()" : "");
  for (const auto& line : r.log)
    std::printf("log: %s\n", line.c_str());
  for (const auto& f : r.trace) {
    std::string changed;
    for (const auto& c : f.changed)
      changed += (changed.empty() ? "" : ", ") + c;
    std::printf("%zu. %s (salience %d) because %s%s%s\n", f.number, f.rule.c_str(), f.salience,
                f.condition.c_str(), changed.empty() ? "" : "; changed ", changed.c_str());
  }
  return 0;
}

}  // namespace

RulesCommand::RulesCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.rules_cmd = app.add_subcommand("rules", "check or run a GRL rule file on its own");
  o.rules_cmd->require_subcommand(1);
  o.check_cmd = o.rules_cmd->add_subcommand("check", "parse and check a .grl file");
  o.check_cmd->add_option("FILE", o.file, "GRL file")->required();
  o.run_cmd = o.rules_cmd->add_subcommand("run", "run the rules over facts; print the result");
  o.run_cmd->add_option("FILE", o.file, "GRL file")->required();
  o.run_cmd->add_option("--facts", o.facts, "the facts: a JSON object, or @file.json");
  o.run_cmd
      ->add_option("--batch", o.batch,
                   "many fact sets, one JSON object per line (FILE.jsonl, or - for standard "
                   "input): one session and one JSON output line each")
      ->excludes("--facts");
  o.run_cmd->add_flag("--trace", o.trace, "print every firing and why");
  o.run_cmd->add_option("--output", o.output, "json or pretty")
      ->check(CLI::IsMember({"json", "pretty"}))
      ->excludes("--batch");
  o.run_cmd->add_option("--max-firings", o.max_firings, "stop with an error beyond this many")
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
}

RulesCommand::~RulesCommand() = default;

bool RulesCommand::parsed() const {
  return options_->rules_cmd->parsed();
}

int RulesCommand::run() const {
  return options_->check_cmd->parsed() ? check(*options_) : run_rules(*options_);
}

}  // namespace lgraph
