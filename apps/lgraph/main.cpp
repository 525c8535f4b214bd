// lgraph: the Logic Graph command line, a thin layer over liblgraph.
//
//   lgraph run FILE [--context JSON|@file.json] [--set key=value]... [--threads N]
//              [--output json|pretty]               run it; print the final Context
//   lgraph profile FILE -n N [same options]       N runs: latency percentiles, allocations
//                                                 and bytes per run, peak, Context pool reuse
//   lgraph validate FILE                          check a graph; exit 1 on any error
//   lgraph dry-run FILE                           the execution plan: layers, parallelism
//   lgraph visualize FILE --format ascii|dot|mermaid
//   lgraph rules check|run FILE.grl ...            GRL rules on their own (rules_command.h)
//
// Errors go to stderr as "[E006] file:line:col: node 'x': message" with a
// suggestion line where there is one; any error exits 1.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/exec/executor.h"
#include "core/memory/memory_metrics.h"
#include "graph/graph_error.h"

#include "graph/model/loader.h"
#include "graph/plan/expressions.h"
#include "graph/plan/plan.h"
#include "graph/plan/render.h"
#include "graph/run/graph_runner.h"
#include "rules_command.h"

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

// What run and profile share: the checked graph, compiled on an executor of
// the asked size, and the initial Context.
struct Prepared {
  std::unique_ptr<core::Executor> executor;
  std::unique_ptr<graph::GraphRunner> runner;
  graph::Json input;
};

core::Result<Prepared> prepare(const std::string& file, const RunOptions& options) {
  auto spec = load_checked(file);
  if (!spec.is_ok()) return spec.error();
  auto input = read_context(options.context);
  if (!input.is_ok()) return input.error();
  if (!input.value().is_object()) {
    return graph::graph_error(graph::GraphErrorCode::kContext, "--context must be a JSON object");
  }
  if (core::Status s = apply_sets(options.sets, input.value()); !s.is_ok()) return s.error();
  Prepared p;
  // The calling thread takes part, so N threads are N - 1 workers.
  p.executor = std::make_unique<core::Executor>(
      core::ExecutorConfig{.workers = options.threads > 1 ? options.threads - 1 : 0});
  auto runner = graph::GraphRunner::create(spec.value(), *p.executor);
  if (!runner.is_ok()) return runner.error();
  p.runner = std::move(runner).value();
  p.input = std::move(input).value();
  return p;
}

int run(const std::string& file, const RunOptions& options) {
  auto prepared = prepare(file, options);
  if (!prepared.is_ok()) return fail(prepared.error());
  auto result = prepared.value().runner->run(prepared.value().input);
  if (!result.is_ok()) return fail(result.error());
  if (options.output == "json") {
    std::printf("%s\n", result.value().context_json().dump().c_str());
    return 0;
  }
  std::printf("%s\n%s\n", result.value().context_json().dump(2).c_str(),
              result.value().summary().c_str());
  for (const graph::NodeStats& node : result.value().nodes) {
    std::printf("  %-24.*s %-9s %10.1f us%s\n", static_cast<int>(node.id.size()), node.id.data(),
                graph::node_status_name(node.status),
                static_cast<double>(node.duration.count()) / 1000.0,
                node.cache_hit ? "  cache hit" : "");
  }
  return 0;
}

// Runs the graph `runs` times and reports latency percentiles, allocations
// and bytes per run and the peak (from the real allocation hook), and how
// often the Context pool was reused.
int profile(const std::string& file, const RunOptions& options, int runs) {
  auto prepared = prepare(file, options);
  if (!prepared.is_ok()) return fail(prepared.error());
  graph::GraphRunner& runner = *prepared.value().runner;
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(runs));
  uint64_t cache_hits = 0;
  core::MemoryMetrics::reset_peak();
  const core::MemorySnapshot before = core::MemoryMetrics::snapshot();
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto result = runner.run(prepared.value().input);
    const auto stop = std::chrono::steady_clock::now();
    if (!result.is_ok()) return fail(result.error());
    cache_hits += result.value().cache_hits();
    latencies.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
  }
  const core::MemorySnapshot after = core::MemoryMetrics::snapshot();
  const core::MemoryDiff memory = core::diff(before, after);
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&latencies](double p) {
    const auto rank = static_cast<size_t>(p * static_cast<double>(latencies.size() - 1) + 0.5);
    return latencies[rank];
  };
  const core::PoolStats pool = runner.context_pool_stats();
  const double n = runs;
  const graph::Json report = {
      {"file", file},
      {"runs", runs},
      {"latency_ns",
       {{"p50", percentile(0.50)},
        {"p90", percentile(0.90)},
        {"p99", percentile(0.99)},
        {"max", latencies.back()}}},
      {"allocations_per_run", static_cast<double>(memory.allocations) / n},
      {"bytes_allocated_per_run", static_cast<double>(memory.bytes_allocated) / n},
      {"peak_bytes", static_cast<int64_t>(after.peak_bytes) - before.current_bytes},
      {"context_pool",
       {{"acquired", pool.total_acquired},
        {"reused", pool.reused},
        {"created", pool.created},
        {"reuse_rate", pool.reuse_rate()}}},
      {"cache_hits", cache_hits}};
  if (options.output == "json") {
    std::printf("%s\n", report.dump().c_str());
    return 0;
  }
  auto us = [](int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  std::printf("profile of %s: %d runs\n", file.c_str(), runs);
  std::printf("latency   p50 %.1f us   p90 %.1f us   p99 %.1f us   max %.1f us\n",
              us(percentile(0.50)), us(percentile(0.90)), us(percentile(0.99)),
              us(latencies.back()));
  std::printf(
      "memory    %.1f allocations and %s allocated per run, peak %s above the start\n",
      static_cast<double>(memory.allocations) / n,
      core::format_bytes(static_cast<int64_t>(static_cast<double>(memory.bytes_allocated) / n))
          .c_str(),
      core::format_bytes(report["peak_bytes"].get<int64_t>()).c_str());
  std::printf("contexts  %.1f%% reused (%llu acquired, %llu created)\n", 100.0 * pool.reuse_rate(),
              static_cast<unsigned long long>(pool.total_acquired),
              static_cast<unsigned long long>(pool.created));
  if (cache_hits > 0) {
    std::printf("cache     %llu node results served from `cache:`\n",
                static_cast<unsigned long long>(cache_hits));
  }
  return 0;
}

// The options run and profile share.
void add_run_options(CLI::App& cmd, std::string& file, RunOptions& options) {
  cmd.add_option("FILE", file, "graph file (.yaml, .yml or .json)")->required();
  cmd.add_option("--context", options.context, "initial Context: JSON, or @file.json");
  cmd.add_option("--set", options.sets, "key=value into the Context (repeatable)");
  cmd.add_option("--threads", options.threads, "threads, the caller included")
      ->check(CLI::Range(1u, 256u));
  cmd.add_option("--output", options.output, "json or pretty")
      ->check(CLI::IsMember({"json", "pretty"}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lgraph: run, profile, validate, plan and draw Logic Graphs (YAML/JSON)"};
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);
  std::string file;
  std::string format = "ascii";

  RunOptions run_options;
  CLI::App* run_cmd = app.add_subcommand("run", "run a graph and print the final Context");
  add_run_options(*run_cmd, file, run_options);
  int profile_runs = 1000;
  CLI::App* profile_cmd =
      app.add_subcommand("profile", "run a graph N times: latency, memory, pool reuse");
  add_run_options(*profile_cmd, file, run_options);
  profile_cmd->add_option("-n", profile_runs, "how many runs")->check(CLI::Range(1, 100000000));
  CLI::App* validate_cmd = app.add_subcommand("validate", "check a graph file; exit 1 on errors");
  validate_cmd->add_option("FILE", file, "graph file (.yaml, .yml or .json)")->required();
  CLI::App* dry_run_cmd =
      app.add_subcommand("dry-run", "print the execution plan: layers and parallelism");
  dry_run_cmd->add_option("FILE", file, "graph file")->required();
  CLI::App* visualize_cmd = app.add_subcommand("visualize", "draw the graph");
  visualize_cmd->add_option("FILE", file, "graph file")->required();
  visualize_cmd->add_option("--format", format, "ascii, dot or mermaid")
      ->check(CLI::IsMember({"ascii", "dot", "mermaid"}));

  lgraph::RulesCommand rules(app);

  CLI11_PARSE(app, argc, argv);
  if (rules.parsed()) return rules.run();
  if (run_cmd->parsed()) return run(file, run_options);
  if (profile_cmd->parsed()) return profile(file, run_options, profile_runs);
  if (validate_cmd->parsed()) return validate(file);
  if (dry_run_cmd->parsed()) return dry_run(file);
  return visualize(file, *graph::render_format_from_name(format));
}
