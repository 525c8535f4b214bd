// apps/lgraph/rules_command.h: `lgraph rules ...`, GRL files on their own.
//
//   lgraph rules check FILE.grl          parse and check; exit 1 on any error
//   lgraph rules run FILE.grl --facts JSON|@file.json [--trace]
//                  [--output json|pretty] [--max-firings N]
//                                        run the rules over the facts (a JSON
//                                        object of named facts); print the final
//                                        facts, the Log() lines and the trace
//   lgraph rules run FILE.grl --batch FILE.jsonl|- [--trace] [--max-firings N]
//                                        one run per line of facts, one JSON
//                                        line out per line in (rules_batch.h);
//                                        exit 1 when any line failed
//
// `check` catches what needs no facts: syntax (file:line:column and what was
// expected), unknown functions and actions, wrong argument counts, duplicate
// rule names, Retract of a rule the file does not have.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace lgraph {

class RulesCommand {
 public:
  // Registers `rules check` and `rules run` on `app`.
  explicit RulesCommand(CLI::App& app);
  ~RulesCommand();
  bool parsed() const;
  // Runs the parsed command; returns the exit code.
  int run() const;

  struct Options;

 private:
  std::unique_ptr<Options> options_;
};

}  // namespace lgraph
