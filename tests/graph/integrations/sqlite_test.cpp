#include "graph/integrations/sqlite.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

namespace graph {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("lx_graph_sqlite_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_path_ = (dir_ / "test.db").string();
    db_ = SqliteDatabase::open(db_path_, /*create_if_missing=*/true).value();
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  Json run(std::string_view sql, const std::vector<Json>& params = {}) {
    return db_->query(sql, params).value();
  }
  core::Error fail(std::string_view sql, const std::vector<Json>& params = {}) {
    auto r = db_->query(sql, params);
    EXPECT_FALSE(r.is_ok()) << sql;
    return r.is_ok() ? core::Error(core::ErrorCode::kInternal, "query succeeded") : r.error();
  }

  fs::path dir_;
  std::string db_path_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteTest, InsertsWithParamsAndSelectsWithQuestionMarks) {
  EXPECT_EQ(run("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"),
            Json::array());
  EXPECT_EQ(run("INSERT INTO users (name, age) VALUES (?, ?)", {"ann", 31}), Json::array());
  EXPECT_EQ(run("INSERT INTO users (name, age) VALUES (?, ?)", {"bob", 17}), Json::array());
  EXPECT_EQ(run("SELECT id, name FROM users WHERE age >= ? ORDER BY id", {18}),
            Json::parse(R"([{"id": 1, "name": "ann"}])"));
  EXPECT_EQ(run("SELECT name FROM users WHERE name = ? OR age < ?2 ORDER BY id", {"zed", 20}),
            Json::parse(R"([{"name": "bob"}])"));
  EXPECT_EQ(run("SELECT * FROM users WHERE age > ?", {100}), Json::array());
}

TEST_F(SqliteTest, DollarParamsTakeParamsByTheirNumber) {
  // SQLite numbers `$N` slots by first appearance; $N must still mean params[N-1].
  EXPECT_EQ(run("SELECT $2 AS b, $1 AS a, $2 || $2 AS bb", {"x", "y"}),
            Json::parse(R"([{"a": "x", "b": "y", "bb": "yy"}])"));
  run("CREATE TABLE t (k TEXT, v INTEGER)");
  run("INSERT INTO t VALUES ($1, $2)", {"one", 1});
  EXPECT_EQ(run("SELECT v FROM t WHERE k = $1", {"one"}), Json::parse(R"([{"v": 1}])"));
  // A number that is not used still counts towards how many params the query needs.
  EXPECT_EQ(run("SELECT $3 AS c", {nullptr, nullptr, 3}), Json::parse(R"([{"c": 3}])"));
}

TEST_F(SqliteTest, EveryColumnTypeMapsToItsJsonType) {
  run("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)");
  run("INSERT INTO t VALUES (?, ?, ?, X'00FF10', ?)",
      {int64_t{-9007199254740993}, 2.5, "héllo", nullptr});
  Json rows = run("SELECT * FROM t");
  ASSERT_EQ(rows.size(), 1u);
  const Json& row = rows[0];
  EXPECT_TRUE(row["i"].is_number_integer());
  EXPECT_EQ(row["i"].get<int64_t>(), -9007199254740993);
  EXPECT_TRUE(row["r"].is_number_float());
  EXPECT_DOUBLE_EQ(row["r"].get<double>(), 2.5);
  EXPECT_EQ(row["s"], "héllo");
  EXPECT_EQ(row["b"], "AP8Q");  // base64 of 00 ff 10
  EXPECT_TRUE(row["n"].is_null());
  EXPECT_EQ(row.size(), 5u);
}

TEST_F(SqliteTest, ParamsBindAsTheirSqliteTypes) {
  Json rows =
      run("SELECT typeof(?1) AS t1, typeof(?2) AS t2, typeof(?3) AS t3, typeof(?4) AS t4, "
          "typeof(?5) AS t5, typeof(?6) AS t6, ?2 AS yes, ?3 AS big",
          {nullptr, true, uint64_t{1} << 62, 0.25, "s", Json::binary({1, 2})});
  EXPECT_EQ(rows, Json::parse(R"([{"t1": "null", "t2": "integer", "t3": "integer", "t4": "real",
                                   "t5": "text", "t6": "blob", "yes": 1,
                                   "big": 4611686018427387904}])"));
}

TEST_F(SqliteTest, BlobsComeBackAsPaddedBase64) {
  run("CREATE TABLE t (id INTEGER, b BLOB)");
  std::vector<std::vector<uint8_t>> blobs = {
      {}, {'f'}, {'f', 'o'}, {'f', 'o', 'o'}, {'f', 'o', 'o', 'b'}};
  for (size_t i = 0; i < blobs.size(); ++i) {
    run("INSERT INTO t VALUES (?, ?)", {i, Json::binary(blobs[i])});
  }
  Json rows = run("SELECT b FROM t ORDER BY id");
  EXPECT_EQ(rows, Json::parse(R"([{"b": ""}, {"b": "Zg=="}, {"b": "Zm8="}, {"b": "Zm9v"},
                                  {"b": "Zm9vYg=="}])"));
}

TEST_F(SqliteTest, NullParamsStoreNullAndNullColumnsReadAsNull) {
  run("CREATE TABLE t (k TEXT, v INTEGER)");
  run("INSERT INTO t VALUES (?, ?)", {"a", nullptr});
  run("INSERT INTO t VALUES (?, ?)", {"b", 2});
  EXPECT_EQ(run("SELECT k, v FROM t ORDER BY k"),
            Json::parse(R"([{"k": "a", "v": null}, {"k": "b", "v": 2}])"));
  EXPECT_EQ(run("SELECT k FROM t WHERE v IS ?", {nullptr}), Json::parse(R"([{"k": "a"}])"));
  // NULL = NULL is not true in SQL; binding null does not change that.
  EXPECT_EQ(run("SELECT k FROM t WHERE v = ?", {nullptr}), Json::array());
}

TEST_F(SqliteTest, MissingFileIsE004NamingThePath) {
  std::string missing = (dir_ / "nope.db").string();
  auto r = SqliteDatabase::open(missing);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E004");
  EXPECT_THAT(r.error().message(), HasSubstr(missing));
  EXPECT_THAT(r.error().message(), HasSubstr("unable to open"));
  EXPECT_FALSE(fs::exists(missing));

  auto created = SqliteDatabase::open(missing, /*create_if_missing=*/true);
  ASSERT_TRUE(created.is_ok()) << created.error().to_string();
  EXPECT_TRUE(fs::exists(missing));
}

TEST_F(SqliteTest, FileThatIsNotADatabaseIsE004) {
  fs::path junk = dir_ / "junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  auto r = SqliteDatabase::open(junk.string());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().tag(), "E004");
  EXPECT_THAT(r.error().message(), HasSubstr("not a database"));

  auto dir = SqliteDatabase::open(dir_.string());
  ASSERT_FALSE(dir.is_ok());
  EXPECT_EQ(dir.error().tag(), "E004");
}

TEST_F(SqliteTest, InMemoryDatabaseOpens) {
  auto mem = SqliteDatabase::open(":memory:");
  ASSERT_TRUE(mem.is_ok()) << mem.error().to_string();
  EXPECT_EQ(mem.value()->query("SELECT 1 + ? AS x", {1}).value(), Json::parse(R"([{"x": 2}])"));
}

TEST_F(SqliteTest, DataReachesTheFile) {
  run("CREATE TABLE t (v TEXT)");
  run("INSERT INTO t VALUES (?)", {"kept"});
  db_.reset();
  auto again = SqliteDatabase::open(db_path_).value();
  EXPECT_EQ(again->query("SELECT v FROM t", {}).value(), Json::parse(R"([{"v": "kept"}])"));
}

TEST_F(SqliteTest, BadSqlIsE001WithSqlitesMessage) {
  core::Error syntax = fail("SELEC 1");
  EXPECT_EQ(syntax.tag(), "E001");
  EXPECT_THAT(syntax.message(), HasSubstr("syntax error"));

  core::Error table = fail("SELECT * FROM missing_table");
  EXPECT_EQ(table.tag(), "E001");
  EXPECT_THAT(table.message(), HasSubstr("no such table: missing_table"));

  EXPECT_EQ(fail("   -- nothing").tag(), "E001");
}

TEST_F(SqliteTest, ConstraintViolationIsE001AndChangesNothing) {
  run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
  run("INSERT INTO t (name) VALUES (?)", {"a"});
  core::Error dup = fail("INSERT INTO t (name) VALUES (?)", {"a"});
  EXPECT_EQ(dup.tag(), "E001");
  EXPECT_THAT(dup.message(), HasSubstr("UNIQUE constraint failed: t.name"));
  core::Error null = fail("INSERT INTO t (name) VALUES (?)", {nullptr});
  EXPECT_THAT(null.message(), HasSubstr("NOT NULL constraint failed"));
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), Json::parse(R"([{"n": 1}])"));
  // The failed statement was reset: it runs again with other params.
  run("INSERT INTO t (name) VALUES (?)", {"b"});
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), Json::parse(R"([{"n": 2}])"));
}

TEST_F(SqliteTest, WrongParamCountIsE010SayingHowManyAreExpected) {
  run("CREATE TABLE t (a, b)");
  core::Error few = fail("INSERT INTO t VALUES (?, ?)", {1});
  EXPECT_EQ(few.tag(), "E010");
  EXPECT_THAT(few.message(), HasSubstr("expects 2 parameter(s), got 1"));
  EXPECT_EQ(few.context().field, "params");

  core::Error many = fail("SELECT $1 AS x", {1, 2});
  EXPECT_EQ(many.tag(), "E010");
  EXPECT_THAT(many.message(), HasSubstr("expects 1 parameter(s), got 2"));

  EXPECT_THAT(fail("SELECT 1", {1}).message(), HasSubstr("expects 0 parameter(s)"));
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), Json::parse(R"([{"n": 0}])"));
}

TEST_F(SqliteTest, ArrayOrObjectParamIsE010NamingTheParam) {
  core::Error array = fail("SELECT ?, ?", {1, Json::array({1, 2})});
  EXPECT_EQ(array.tag(), "E010");
  EXPECT_EQ(array.context().field, "params[1]");
  EXPECT_THAT(array.message(), HasSubstr("params[1]: is an array"));

  core::Error object = fail("SELECT $1", {Json{{"a", 1}}});
  EXPECT_EQ(object.tag(), "E010");
  EXPECT_THAT(object.message(), HasSubstr("params[0]: is an object"));

  core::Error big = fail("SELECT ?", {std::numeric_limits<uint64_t>::max()});
  EXPECT_EQ(big.tag(), "E010");
  EXPECT_THAT(big.message(), HasSubstr("does not fit"));
}

TEST_F(SqliteTest, NamedAndMixedParamsAreE010) {
  core::Error named = fail("SELECT :name", {"x"});
  EXPECT_EQ(named.tag(), "E010");
  EXPECT_THAT(named.message(), HasSubstr("':name' is not supported"));
  EXPECT_EQ(fail("SELECT $name", {"x"}).tag(), "E010");
  EXPECT_EQ(fail("SELECT $0", {"x"}).tag(), "E010");
  core::Error mixed = fail("SELECT ?, $1", {"x"});
  EXPECT_EQ(mixed.tag(), "E010");
  EXPECT_THAT(mixed.message(), HasSubstr("mixes"));
}

TEST_F(SqliteTest, OnlyOneStatementRunsPerQuery) {
  run("CREATE TABLE t (v)");
  core::Error two = fail("INSERT INTO t VALUES (1); DROP TABLE t");
  EXPECT_EQ(two.tag(), "E001");
  EXPECT_THAT(two.message(), HasSubstr("more than one SQL statement"));
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), Json::parse(R"([{"n": 0}])"));
  // Trailing semicolons and comments are not a second statement.
  EXPECT_EQ(run("SELECT 1 AS x; -- done\n;"), Json::parse(R"([{"x": 1}])"));
}

TEST_F(SqliteTest, InjectionInAParamIsStoredLiterally) {
  run("CREATE TABLE t (name TEXT)");
  const std::string evil = "'; DROP TABLE t; --";
  run("INSERT INTO t VALUES (?)", {evil});
  run("INSERT INTO t VALUES ($1)", {"x' OR '1'='1"});
  EXPECT_EQ(run("SELECT name FROM t WHERE name = ?", {evil}), (Json::array({{{"name", evil}}})));
  EXPECT_EQ(run("SELECT name FROM t WHERE name = ?", {"nobody' OR '1'='1"}), Json::array());
  EXPECT_EQ(run("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 't'"),
            Json::parse(R"([{"n": 1}])"));
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), Json::parse(R"([{"n": 2}])"));
}

TEST_F(SqliteTest, ReusedStatementGivesFreshResultsForNewParams) {
  run("CREATE TABLE t (k INTEGER, v TEXT)");
  const std::string insert = "INSERT INTO t VALUES (?, ?)";
  const std::string select = "SELECT v FROM t WHERE k = ?";
  for (int i = 0; i < 5; ++i)
    run(insert, {i, "v" + std::to_string(i)});
  for (int i = 4; i >= 0; --i) {
    EXPECT_EQ(run(select, {i}), (Json::array({{{"v", "v" + std::to_string(i)}}})));
  }
  // A reused statement with a string bound last time must not keep it.
  EXPECT_EQ(run(select, {99}), Json::array());
  // After a parameter error the cached statement still works.
  EXPECT_EQ(fail(select, {Json::array()}).tag(), "E010");
  EXPECT_EQ(run(select, {1}), Json::parse(R"([{"v": "v1"}])"));
}

TEST_F(SqliteTest, ManyDistinctQueriesOutgrowTheCacheSafely) {
  // More distinct SQL texts than the statement cache holds, twice over.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 150; ++i) {
      std::string sql = "SELECT ? + " + std::to_string(i) + " AS x";
      ASSERT_EQ(run(sql, {round}), (Json::array({{{"x", i + round}}}))) << sql;
    }
  }
}

TEST_F(SqliteTest, CachedSelectStarSeesSchemaChanges) {
  run("CREATE TABLE t (a)");
  run("INSERT INTO t VALUES (1)");
  EXPECT_EQ(run("SELECT * FROM t"), Json::parse(R"([{"a": 1}])"));
  run("ALTER TABLE t ADD COLUMN b DEFAULT 'z'");
  EXPECT_EQ(run("SELECT * FROM t"), Json::parse(R"([{"a": 1, "b": "z"}])"));
}

TEST_F(SqliteTest, DuplicateColumnNamesAreE001) {
  run("CREATE TABLE a (id)");
  run("CREATE TABLE b (id)");
  run("INSERT INTO a VALUES (1)");
  run("INSERT INTO b VALUES (2)");
  core::Error dup = fail("SELECT a.id, b.id FROM a, b");
  EXPECT_EQ(dup.tag(), "E001");
  EXPECT_THAT(dup.message(), HasSubstr("two columns named 'id'"));
  EXPECT_EQ(run("SELECT a.id AS a_id, b.id AS b_id FROM a, b"),
            Json::parse(R"([{"a_id": 1, "b_id": 2}])"));
}

TEST_F(SqliteTest, FourThreadsShareOneDatabase) {
  run("CREATE TABLE t (thread INTEGER, i INTEGER, v TEXT)");
  constexpr int kThreads = 4;
  constexpr int kRows = 50;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kThreads);
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kRows; ++i) {
        std::string v = std::to_string(th) + ":" + std::to_string(i);
        auto ins = db_->query("INSERT INTO t VALUES (?, ?, ?)", {th, i, v});
        auto sel = db_->query("SELECT v FROM t WHERE thread = $1 AND i = $2", {th, i});
        if (!ins.is_ok() || !sel.is_ok() || sel.value() != Json::array({{{"v", v}}})) {
          failures[th] = ins.is_ok() ? sel.status().to_string() : ins.error().to_string();
          return;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (const auto& f : failures)
    EXPECT_EQ(f, "");
  EXPECT_EQ(run("SELECT count(*) AS n, count(DISTINCT v) AS d FROM t"),
            (Json::array({{{"n", kThreads * kRows}, {"d", kThreads * kRows}}})));
}

TEST_F(SqliteTest, FourConnectionsWriteOneFile) {
  // Separate connections contend for the file lock; the busy timeout makes
  // them wait their turn instead of failing.
  run("CREATE TABLE t (thread INTEGER, i INTEGER)");
  constexpr int kThreads = 4;
  constexpr int kRows = 20;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kThreads);
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      auto db = SqliteDatabase::open(db_path_);
      if (!db.is_ok()) {
        failures[th] = db.error().to_string();
        return;
      }
      for (int i = 0; i < kRows; ++i) {
        auto r = db.value()->query("INSERT INTO t VALUES (?, ?)", {th, i});
        if (!r.is_ok()) {
          failures[th] = r.error().to_string();
          return;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (const auto& f : failures)
    EXPECT_EQ(f, "");
  EXPECT_EQ(run("SELECT count(*) AS n FROM t"), (Json::array({{{"n", kThreads * kRows}}})));
}

}  // namespace
}  // namespace graph
