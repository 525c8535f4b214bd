// lgraph: the Logic Graph command line, a thin layer over liblgraph.
//
//   lgraph validate FILE                          check a graph; exit 1 on any error
//   lgraph dry-run FILE                           the execution plan: layers, parallelism
//   lgraph visualize FILE --format ascii|dot|mermaid
//
// Errors go to stderr as "[E006] file:line:col: node 'x': message" with a
// suggestion line where there is one. Running graphs (`run`, `profile`)
// arrives with the executor; until then those commands do not exist.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "graph/model/loader.h"
#include "graph/plan/expressions.h"
#include "graph/plan/plan.h"
#include "graph/plan/render.h"

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lgraph: validate, plan and draw Logic Graphs (YAML/JSON)"};
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);
  std::string file;
  std::string format = "ascii";

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
  if (validate_cmd->parsed()) return validate(file);
  if (dry_run_cmd->parsed()) return dry_run(file);
  return visualize(file, *graph::render_format_from_name(format));
}
