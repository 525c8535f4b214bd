#include "graph/integrations/sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <limits>
#include <unordered_set>

#include "graph/graph_error.h"

namespace graph {

namespace {

// How long a connection waits for another connection's lock on the same file
// before the statement fails with "database is locked".
constexpr int kBusyTimeoutMs = 5000;

// A graph holds a fixed set of queries, so the cache only grows past this when
// a caller builds SQL text on the fly; then dropping every entry is as good as
// an LRU and keeps the map from growing without bound.
constexpr size_t kMaxCachedStatements = 64;

std::string base64(const unsigned char* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size - i == 1) {
    uint32_t v = uint32_t{data[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (size - i == 2) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

core::Error query_error(sqlite3* db, std::string_view what) {
  return graph_error(GraphErrorCode::kNodeExecution, std::string(what) + ": " + sqlite3_errmsg(db));
}

core::Error param_error(size_t index, std::string message) {
  std::string field = "params[" + std::to_string(index) + "]";
  core::Error e = graph_error(GraphErrorCode::kContext, field + ": " + std::move(message));
  e.with_field(std::move(field));
  return e;
}

// Binds params[index] to parameter `slot`. Strings and blobs are bound without
// a copy: query() clears the bindings before `value` can go away.
core::Status bind(sqlite3* db, sqlite3_stmt* stmt, int slot, const Json& value, size_t index) {
  int rc = SQLITE_OK;
  switch (value.type()) {
    case Json::value_t::null:
      rc = sqlite3_bind_null(stmt, slot);
      break;
    case Json::value_t::boolean:
      rc = sqlite3_bind_int(stmt, slot, value.get<bool>() ? 1 : 0);
      break;
    case Json::value_t::number_integer:
      rc = sqlite3_bind_int64(stmt, slot, value.get<int64_t>());
      break;
    case Json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return param_error(index,
                           std::to_string(u) + " does not fit SQLite's 64-bit signed integer");
      }
      rc = sqlite3_bind_int64(stmt, slot, static_cast<int64_t>(u));
      break;
    }
    case Json::value_t::number_float:
      rc = sqlite3_bind_double(stmt, slot, value.get<double>());
      break;
    case Json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      rc = sqlite3_bind_text64(stmt, slot, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      break;
    }
    case Json::value_t::binary: {
      const Json::binary_t& b = value.get_binary();
      // SQLite reads a null pointer as NULL, and an empty vector may have one.
      rc = b.empty() ? sqlite3_bind_zeroblob(stmt, slot, 0)
                     : sqlite3_bind_blob64(stmt, slot, b.data(), b.size(), SQLITE_STATIC);
      break;
    }
    case Json::value_t::array:
    case Json::value_t::object:
    case Json::value_t::discarded:
      return param_error(index, std::string("is ") + (value.is_array() ? "an array" : "an object") +
                                    "; only null, booleans, numbers, strings and binary values "
                                    "can be bound");
  }
  if (rc != SQLITE_OK) return param_error(index, sqlite3_errmsg(db));
  return core::Status::ok();
}

}  // namespace

struct SqliteDatabase::Statement {
  explicit Statement(sqlite3_stmt* s) : stmt(s) {}
  ~Statement() { sqlite3_finalize(stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* stmt;
  // For each parameter slot (1-based in SQLite, 0-based here), the params
  // element it takes; `$N` slots are numbered by first appearance, not by N.
  std::vector<size_t> arg_of_slot;
  size_t expected = 0;  // params.size() the statement needs
};

SqliteDatabase::SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

SqliteDatabase::~SqliteDatabase() {
  // sqlite3_close refuses while statements are alive.
  statements_.clear();
  sqlite3_close(db_);
}

core::Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path,
                                                                   bool create_if_missing) {
  // NOMUTEX: the object's own mutex already serialises every use of the
  // connection, so SQLite's per-connection mutex would only add cost.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc == SQLITE_OK) {
    // Before the first read: another connection may be writing the file.
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    // SQLite opens lazily: a file that is not a database only fails when
    // first read, so read the schema now and report it here as a bad path.
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    core::Error e = graph_error(GraphErrorCode::kConfiguration,
                                "cannot open SQLite database '" + path + "': " + why);
    e.with_suggestion("check the path, and that the file is a SQLite database");
    return e;
  }
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(db, path));
}

core::Result<SqliteDatabase::Statement*> SqliteDatabase::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) {
    return it->second.get();
  }
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return graph_error(GraphErrorCode::kNodeExecution, "query is too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  if (rc != SQLITE_OK) return query_error(db_, "cannot prepare query");
  if (raw == nullptr) return graph_error(GraphErrorCode::kNodeExecution, "query is empty");
  auto st = std::make_unique<Statement>(raw);

  // Whatever follows the first statement must compile to nothing (spaces,
  // comments, semicolons); sqlite3_prepare would otherwise ignore it.
  const char* end = sql.data() + sql.size();
  sqlite3_stmt* rest = nullptr;
  rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &rest, nullptr);
  sqlite3_finalize(rest);
  if (rc != SQLITE_OK || rest != nullptr) {
    core::Error e =
        graph_error(GraphErrorCode::kNodeExecution, "query holds more than one SQL statement");
    e.with_suggestion("run each statement as its own query");
    return e;
  }

  int slots = sqlite3_bind_parameter_count(raw);
  bool positional = false;  // ?, ?NNN
  bool numbered = false;    // $N
  for (int slot = 1; slot <= slots; ++slot) {
    const char* name = sqlite3_bind_parameter_name(raw, slot);
    // Anonymous `?` and the unused gaps below a `?NNN` have no name.
    if (name == nullptr || name[0] == '?') {
      positional = true;
      st->arg_of_slot.push_back(static_cast<size_t>(slot - 1));
      continue;
    }
    std::string_view digits = std::string_view(name).substr(1);
    size_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (name[0] != '$' || digits.empty() || ec != std::errc() ||
        ptr != digits.data() + digits.size()) {
      return graph_error(GraphErrorCode::kContext,
                         std::string("named parameter '") + name +
                             "' is not supported; use ? or $1, $2, ... for params in order");
    }
    if (n == 0) return graph_error(GraphErrorCode::kContext, "parameter $0: $N counts from $1");
    numbered = true;
    st->arg_of_slot.push_back(n - 1);
    st->expected = std::max(st->expected, n);
  }
  if (positional && numbered) {
    return graph_error(GraphErrorCode::kContext, "query mixes ? and $N parameters; use one style");
  }
  if (positional) st->expected = static_cast<size_t>(slots);

  if (statements_.size() >= kMaxCachedStatements) statements_.clear();
  Statement* out = st.get();
  statements_.emplace(std::string(sql), std::move(st));
  return out;
}

core::Result<Json> SqliteDatabase::query(std::string_view sql, const std::vector<Json>& params) {
  std::lock_guard lock(mu_);
  auto prepared = prepare(sql);
  if (!prepared) return prepared.error();
  Statement& st = *prepared.value();

  if (params.size() != st.expected) {
    core::Error e = graph_error(GraphErrorCode::kContext,
                                "query expects " + std::to_string(st.expected) +
                                    " parameter(s), got " + std::to_string(params.size()));
    e.with_field("params");
    return e;
  }

  // Ends the statement's read or write transaction and drops the bindings
  // (which point into `params`) on every way out.
  struct ResetOnExit {
    sqlite3_stmt* stmt;
    ~ResetOnExit() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{st.stmt};

  for (size_t slot = 0; slot < st.arg_of_slot.size(); ++slot) {
    size_t index = st.arg_of_slot[slot];
    core::Status s = bind(db_, st.stmt, static_cast<int>(slot + 1), params[index], index);
    if (!s) return s.error();
  }

  Json rows = Json::array();
  std::vector<std::string> names;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
    if (names.empty()) {
      // Read per run: a schema change re-prepares the statement, and
      // `SELECT *` may then have other columns than last time.
      int columns = sqlite3_column_count(st.stmt);
      std::unordered_set<std::string_view> seen;
      for (int c = 0; c < columns; ++c)
        names.emplace_back(sqlite3_column_name(st.stmt, c));
      for (const std::string& n : names) {
        if (!seen.insert(n).second) {
          core::Error e = graph_error(GraphErrorCode::kNodeExecution,
                                      "query returns two columns named '" + n + "'");
          e.with_suggestion("give the columns distinct names with AS");
          return e;
        }
      }
    }
    Json row = Json::object();
    for (int c = 0; c < static_cast<int>(names.size()); ++c) {
      Json& cell = row[names[c]];
      switch (sqlite3_column_type(st.stmt, c)) {
        case SQLITE_INTEGER:
          cell = static_cast<int64_t>(sqlite3_column_int64(st.stmt, c));
          break;
        case SQLITE_FLOAT:
          cell = sqlite3_column_double(st.stmt, c);
          break;
        case SQLITE_TEXT: {
          const unsigned char* text = sqlite3_column_text(st.stmt, c);
          if (text == nullptr) return query_error(db_, "cannot read a result");
          cell = std::string(reinterpret_cast<const char*>(text),
                             static_cast<size_t>(sqlite3_column_bytes(st.stmt, c)));
          break;
        }
        case SQLITE_BLOB: {
          // A zero-length BLOB comes back as a null pointer.
          auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(st.stmt, c));
          cell = base64(blob, static_cast<size_t>(sqlite3_column_bytes(st.stmt, c)));
          break;
        }
        default:  // SQLITE_NULL; cell is already null
          break;
      }
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return query_error(db_, "query failed");
  return rows;
}

}  // namespace graph
