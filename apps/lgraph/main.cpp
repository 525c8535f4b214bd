// lgraph: the Logic Graph command line, a thin layer over liblgraph.
//
//   lgraph run FILE [--context JSON|@file.json] [--set key=value]... [--threads N]
//              [--output json|pretty]               run it; print the final Context
//   lgraph validate FILE                          check a graph; exit 1 on any error
//   lgraph dry-run FILE                           the execution plan: layers, parallelism
//   lgraph visualize FILE --format ascii|dot|mermaid
//
// Errors go to stderr as "[E006] file:line:col: node 'x': message" with a
// suggestion line where there is one; any error exits 1. (`profile` comes
// later.)
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/exec/executor.h"
#include "graph/graph_error.h"

#include "graph/model/loader.h"
#include "graph/plan/expressions.h"
#include "graph/plan/plan.h"
#include "graph/plan/render.h"
#include "graph/run/graph_runner.h"

namespace {

constexpr int kInvalidGraph = 1;

int fail(const core::Error& error) {
  std::fprintf(stderr, "%s\n", error.to_string().c_str());
  return kInvalidGraph;
}

// Loads and fully checks a graph: what every command starts with.
core::Result<graph::GraphRef> load_checked(const std::string& file) {
  core::Result<graph::GraphRef> spec = graph::load_graph_file(file);
  if (!spec.is_ok()) return spec;
  if (core::Status s = graph::check_expressions(*spec.value()); !s.is_ok()) return s.error();
  return spec;
}

int validate(const std::string& file) {
  auto spec = load_checked(file);
  if (!spec.is_ok()) return fail(spec.error());
  std::printf("%s: ok (%zu nodes, %zu edges)\n", file.c_str(), spec.value()->nodes.size(),
              spec.value()->edges.size());
  return 0;
}

int dry_run(const std::string& file) {
  auto spec = load_checked(file);
  if (!spec.is_ok()) return fail(spec.error());
  auto plan = graph::make_plan(*spec.value());
  if (!plan.is_ok()) return fail(plan.error());
  std::fputs(graph::describe_plan(*spec.value(), plan.value()).c_str(), stdout);
  return 0;
}

int visualize(const std::string& file, graph::RenderFormat format) {
  auto spec = load_checked(file);
  if (!spec.is_ok()) return fail(spec.error());
  auto plan = graph::make_plan(*spec.value());
  if (!plan.is_ok()) return fail(plan.error());
  std::fputs(graph::render_graph(*spec.value(), plan.value(), format).c_str(), stdout);
  return 0;
}

struct RunOptions {
  std::string context = "{}";
  std::vector<std::string> sets;
  unsigned threads = std::thread::hardware_concurrency();
  std::string output = "pretty";
};

// --context: inline JSON, or @path to a JSON file. E007 when it is not JSON.
core::Result<graph::Json> read_context(const std::string& arg) {
  std::string text = arg;
  if (!arg.empty() && arg[0] == '@') {
    std::ifstream in(arg.substr(1));
    if (!in) {
      return graph::graph_error(graph::GraphErrorCode::kSerialization,
                                "cannot read context file '" + arg.substr(1) + "'");
    }
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  graph::Json parsed = graph::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return graph::graph_error(graph::GraphErrorCode::kSerialization,
                              "--context is not valid JSON: " + arg);
  }
  return parsed;
}

// --set key=value: the value as JSON when it parses (42, true, "x", [1]),
// else as a string, so `--set name=alice` needs no quotes.
core::Status apply_sets(const std::vector<std::string>& sets, graph::Json& context) {
  for (const std::string& set : sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      return graph::graph_error(graph::GraphErrorCode::kContext,
                                "--set takes key=value, got '" + set + "'");
    }
    const std::string value = set.substr(eq + 1);
    graph::Json parsed = graph::Json::parse(value, nullptr, /*allow_exceptions=*/false);
    context[set.substr(0, eq)] = parsed.is_discarded() ? graph::Json(value) : parsed;
  }
  return core::Status();
}

int run(const std::string& file, const RunOptions& options) {
  auto spec = load_checked(file);
  if (!spec.is_ok()) return fail(spec.error());
  auto context = read_context(options.context);
  if (!context.is_ok()) return fail(context.error());
  if (!context.value().is_object()) {
    return fail(
        graph::graph_error(graph::GraphErrorCode::kContext, "--context must be a JSON object"));
  }
  if (core::Status s = apply_sets(options.sets, context.value()); !s.is_ok())
    return fail(s.error());
  // The calling thread takes part, so N threads are N - 1 workers.
  core::Executor executor(
      core::ExecutorConfig{.workers = options.threads > 1 ? options.threads - 1 : 0});
  auto runner = graph::GraphRunner::create(spec.value(), executor);
  if (!runner.is_ok()) return fail(runner.error());
  auto result = runner.value()->run(context.value());
  if (!result.is_ok()) return fail(result.error());
  if (options.output == "json") {
    std::printf("%s\n", result.value().context_json().dump().c_str());
    return 0;
  }
  std::printf("%s\n%s\n", result.value().context_json().dump(2).c_str(),
              result.value().summary().c_str());
  for (const graph::NodeStats& node : result.value().nodes) {
    std::printf("  %-24.*s %-9s %10.1f us\n", static_cast<int>(node.id.size()), node.id.data(),
                graph::node_status_name(node.status),
                static_cast<double>(node.duration.count()) / 1000.0);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lgraph: validate, plan and draw Logic Graphs (YAML/JSON)"};
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);
  std::string file;
  std::string format = "ascii";

  RunOptions run_options;
  CLI::App* run_cmd = app.add_subcommand("run", "run a graph and print the final Context");
  run_cmd->add_option("FILE", file, "graph file (.yaml, .yml or .json)")->required();
  run_cmd->add_option("--context", run_options.context, "initial Context: JSON, or @file.json");
  run_cmd->add_option("--set", run_options.sets, "key=value into the Context (repeatable)");
  run_cmd->add_option("--threads", run_options.threads, "threads, the caller included")
      ->check(CLI::Range(1u, 256u));
  run_cmd->add_option("--output", run_options.output, "json or pretty")
      ->check(CLI::IsMember({"json", "pretty"}));
  CLI::App* validate_cmd = app.add_subcommand("validate", "check a graph file; exit 1 on errors");
  validate_cmd->add_option("FILE", file, "graph file (.yaml, .yml or .json)")->required();
  CLI::App* dry_run_cmd =
      app.add_subcommand("dry-run", "print the execution plan: layers and parallelism");
  dry_run_cmd->add_option("FILE", file, "graph file")->required();
  CLI::App* visualize_cmd = app.add_subcommand("visualize", "draw the graph");
  visualize_cmd->add_option("FILE", file, "graph file")->required();
  visualize_cmd->add_option("--format", format, "ascii, dot or mermaid")
      ->check(CLI::IsMember({"ascii", "dot", "mermaid"}));

  CLI11_PARSE(app, argc, argv);
  if (run_cmd->parsed()) return run(file, run_options);
  if (validate_cmd->parsed()) return validate(file);
  if (dry_run_cmd->parsed()) return dry_run(file);
  return visualize(file, *graph::render_format_from_name(format));
}
