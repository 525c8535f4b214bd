// Runs make_workload.py's rules.json over facts.json with json-rules-engine,
// one engine.run() per fact (as it is meant to be used), and prints the
// number of rules that fired in all: the same count lgraph and CLIPS print.
//
//   NODE_PATH=.../node_modules node json_rules_engine_run.js DIR
const fs = require('fs');
const { Engine } = require('json-rules-engine');

async function main() {
  const dir = process.argv[2];
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const rule of JSON.parse(fs.readFileSync(`${dir}/rules.json`, 'utf8'))) {
    engine.addRule(rule);
  }
  let hits = 0;
  for (const fact of JSON.parse(fs.readFileSync(`${dir}/facts.json`, 'utf8'))) {
    const { events } = await engine.run(fact);
    hits += events.length;
  }
  console.log(hits);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
