// graph/integrations/sqlite.h: parameterised queries on a SQLite database file.
//
// Backs the Logic Graph DBNode: a node's `query` runs with its `params` bound
// as values (never spliced into the SQL text, so a parameter cannot change
// what the statement does), and the rows become `<id>_result`:
//
//   auto db = SqliteDatabase::open("orders.db").value();
//   auto rows = db->query("SELECT id, total FROM orders WHERE user = $1", {"ann"});
//   // rows: [{"id": 7, "total": 12.5}, ...]
//
// Parameters. `?`, `?NNN` and `$N` are positional; `$N` means params[N-1] as
// in PostgreSQL, wherever it appears and however often. A query takes exactly
// as many params as its highest parameter number. One query uses either the
// `?` forms or the `$N` form, not both, and named parameters (`:name`,
// `@name`, `$name`) are rejected: graph params are a list. JSON null, bool
// (as 0/1), integers, floats and strings bind as NULL, INTEGER, REAL and TEXT;
// JSON binary values (from C++ callers) bind as BLOB; arrays and objects are
// an error.
//
// Rows. An array with one object per row, {column name: value}; like every
// Json object, a row keeps its keys sorted, not in column order. SQLite types
// values, not columns, so each value maps by its own type: INTEGER -> integer,
// REAL -> float, TEXT -> string, NULL -> null, BLOB -> base64 string (RFC 4648,
// padded), because JSON has no bytes and the result must survive a round trip
// through the Context's JSON. Two result columns with the same name are an
// error (name them apart with AS) rather than one silently hiding the other.
// Statements that return no rows (INSERT, UPDATE, DDL) give an empty array;
// the number of rows changed is not reported, use `RETURNING` to get values
// back from a write.
//
// One call runs exactly one statement: SQL text holding a second statement is
// rejected instead of the rest being silently ignored.
//
// Errors: E004 when the file cannot be opened or is not a database; E010 for
// parameter problems (wrong count, unbindable value naming its params index,
// named or mixed parameter forms); E001 for everything else the statement does
// wrong, with SQLite's message where it has one (syntax, missing table,
// constraint violation, database locked).
//
// Threads. One object is one SQLite connection, and every call on it holds
// the object's mutex, so any number of threads may share one SqliteDatabase;
// their queries run one at a time. Threads that want to read in parallel
// open one SqliteDatabase each on the same file. A connection that finds the
// file locked by another writer waits up to 5 s before failing with E001.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "graph/context.h"

struct sqlite3;
struct sqlite3_stmt;

namespace graph {

class SqliteDatabase {
 public:
  // Opens `path` for reading and writing, or ":memory:" for a private
  // in-memory database. The file must exist unless `create_if_missing`.
  static core::Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path,
                                                            bool create_if_missing = false);

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase();

  // Runs one statement with `params` bound in order and returns its rows
  // (see the top of this file). Statements are prepared once per SQL text
  // and reused.
  core::Result<Json> query(std::string_view sql, const std::vector<Json>& params);

  const std::string& path() const { return path_; }

 private:
  struct Statement;
  // Lets the cache be searched with the caller's string_view, no copy.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  SqliteDatabase(sqlite3* db, std::string path);
  core::Result<Statement*> prepare(std::string_view sql);

  sqlite3* db_;
  std::string path_;
  std::mutex mu_;  // guards db_ and statements_
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> statements_;
};

}  // namespace graph
