#!/usr/bin/env python3
"""Writes issue 6's rule workload in each engine's own language, into DIR:

  rules.grl     GRL for lgraph: 100 rules `Fact.amount > 10*i && Fact.country == "C_i"`
  rules.clp     the same rules for CLIPS (a deftemplate and 100 defrules)
  rules.json    the same rules for json-rules-engine (conditions `all`, priority)
  facts.jsonl   N facts, one JSON object per line: {"Fact": {...}, "Result": {"hits": 0}}
  facts.clp     the same N facts as CLIPS `(fact (amount A) (country "C"))` lines
  facts.json    the same N facts as a JSON array of {amount, country} for json-rules-engine

The rules and facts are those of bench/rules/bench_rules.cpp (BM_Match), so
the in-process and the whole-process figures describe the same work: 58,631
matches for 10,000 facts.

  make_workload.py DIR FACTS
"""
import json
import os
import sys

COUNTRIES = ["NO", "SE", "DK", "FI", "DE", "FR", "ES", "IT", "PL", "NL"]
RULES = 100


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    rules = [(f"R{i}", i % 10, i * 10, COUNTRIES[i % 10]) for i in range(RULES)]
    facts = [((i * 37) % 1200, COUNTRIES[(i * 7) % 10]) for i in range(n)]

    with open(f"{out}/rules.grl", "w") as f:
        for name, salience, threshold, country in rules:
            f.write(f'rule {name} salience {salience} {{ when Fact.amount > {threshold} && '
                    f'Fact.country == "{country}" then Result.hits += 1; }}\n')

    with open(f"{out}/rules.clp", "w") as f:
        f.write("(deftemplate fact (slot amount) (slot country))\n")
        f.write("(defglobal ?*hits* = 0)\n")
        for name, salience, threshold, country in rules:
            f.write(f"(defrule {name} (declare (salience {salience}))\n"
                    f'  (fact (amount ?a&:(> ?a {threshold})) (country "{country}"))\n'
                    f"  => (bind ?*hits* (+ ?*hits* 1)))\n")

    # json-rules-engine wants priority >= 1; the order among equal
    # priorities does not change the count.
    with open(f"{out}/rules.json", "w") as f:
        json.dump([{"name": name, "priority": salience + 1,
                    "conditions": {"all": [
                        {"fact": "amount", "operator": "greaterThan", "value": threshold},
                        {"fact": "country", "operator": "equal", "value": country}]},
                    "event": {"type": name}}
                   for name, salience, threshold, country in rules], f)

    with open(f"{out}/facts.jsonl", "w") as f:
        for amount, country in facts:
            f.write(json.dumps({"Fact": {"amount": amount, "country": country},
                                "Result": {"hits": 0}}) + "\n")
    with open(f"{out}/facts.clp", "w") as f:
        for amount, country in facts:
            f.write(f'(fact (amount {amount}) (country "{country}"))\n')
    with open(f"{out}/facts.json", "w") as f:
        json.dump([{"amount": a, "country": c} for a, c in facts], f)


if __name__ == "__main__":
    main()
