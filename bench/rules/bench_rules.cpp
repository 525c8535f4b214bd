// The GRL rule engine, as issue 6 measures it:
//   BM_Parse/N        parse (and compile) a file of N rules of the form
//                     `Fact.amount > T_i && Fact.country == "C_i"`
//   BM_Match          100 such rules, 10,000 facts, every match counted: one
//                     session per fact, as a service running rules per
//                     request would; items/s is facts per second.
// The same rules and facts through the peers (CLIPS, json-rules-engine),
// whole processes, are bench/rules/rules_vs_peers.sh.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "rules/engine/session.h"
#include "rules/grl/grl_parser.h"

namespace {

const char* const kCountries[] = {"NO", "SE", "DK", "FI", "DE", "FR", "ES", "IT", "PL", "NL"};

std::string rules_text(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "rule R" + std::to_string(i) + " salience " + std::to_string(i % 10) +
           " { when Fact.amount > " + std::to_string(i * 10) + " && Fact.country == \"" +
           kCountries[i % 10] + "\" then Result.hits += 1; }\n";
  }
  return out;
}

void BM_Parse(benchmark::State& state) {
  const std::string text = rules_text(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto set = rules::grl::parse_grl(text, "bench.grl");
    if (!set) state.SkipWithError(set.error().to_string().c_str());
    benchmark::DoNotOptimize(set);
  }
  state.SetLabel(std::to_string(text.size() / 1024) + " KiB");
}
BENCHMARK(BM_Parse)->Arg(1)->Arg(11)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_Match(benchmark::State& state) {
  auto set = rules::grl::parse_grl(rules_text(100), "bench.grl");
  auto kb = rules::engine::KnowledgeBase::build(std::move(set).value()).value();
  std::vector<rules::expr::Json> facts;
  for (int i = 0; i < 10000; ++i) {
    facts.push_back({{"amount", (i * 37) % 1200}, {"country", kCountries[(i * 7) % 10]}});
  }
  int64_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (const auto& fact : facts) {
      rules::engine::Session session(kb);
      session.set_fact("Fact", fact);
      session.set_fact("Result", {{"hits", 0}});
      auto r = session.run();
      if (!r) state.SkipWithError(r.error().to_string().c_str());
      hits += (*session.facts().find("Result"))["hits"].get<int64_t>();
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(facts.size()));
  state.counters["matches"] = static_cast<double>(hits);
}
BENCHMARK(BM_Match)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
