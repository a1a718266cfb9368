#include "rung/cli/app.hpp"

#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rung {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kExamples = {"cladder_mediation",  "confounded_treatment", "counterbench_chain",
                                            "firing_squad",       "table_mechanism",      "three_valued"};

struct Result {
  int status;
  std::string out;
  std::string err;
};

/// Runs the tool in-process from the project's root, so paths in messages are `examples/...`.
class Cli : public ::testing::Test {
 protected:
  fs::path saved_;
  void SetUp() override {
    saved_ = fs::current_path();
    fs::current_path(fs::path(RUNG_EXAMPLES_DIR).parent_path());
  }
  void TearDown() override { fs::current_path(saved_); }

  static Result run(std::vector<std::string> args) {
    args.insert(args.begin(), "rung");
    std::ostringstream out;
    std::ostringstream err;
    int status = cli::run(args, out, err);
    return {status, out.str(), err.str()};
  }

  /// Compares with tests/data/golden/NAME; RUNG_UPDATE_GOLDEN=1 rewrites the file instead.
  static void expect_golden(const std::string& name, const std::string& actual) {
    const fs::path path = fs::path(RUNG_TEST_DATA_DIR) / "golden" / name;
    if (const char* update = std::getenv("RUNG_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << actual;
      return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with RUNG_UPDATE_GOLDEN=1 to create it)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "golden file " << path;
  }
};

TEST_F(Cli, ShowMatchesGoldenForEveryExample) {
  for (const auto& name : kExamples) {
    Result r = run({"show", "examples/" + name + ".scm"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    expect_golden("show/" + name + ".txt", r.out);
  }
}

TEST_F(Cli, ShowDotMatchesGolden) {
  Result r = run({"show", "examples/confounded_treatment.scm", "--dot"});
  EXPECT_EQ(r.status, 0);
  expect_golden("show/confounded_treatment.dot", r.out);
}

TEST_F(Cli, ValidateGoodFiles) {
  Result r = run({"validate", "examples/firing_squad.scm", "examples/three_valued.scm"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "examples/firing_squad.scm: ok (2 exogenous, 4 endogenous variables)\n"
            "examples/three_valued.scm: ok (3 exogenous, 3 endogenous variables)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, ValidateBadFilePrintsEveryProblemAndExits1) {
  Result r = run({"validate", "tests/data/bad/three_mistakes.scm"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  expect_golden("validate/three_mistakes.txt", r.err);
}

TEST_F(Cli, ValidateReportsEachFileAndFailsIfAnyFails) {
  Result r = run({"validate", "examples/firing_squad.scm", "tests/data/bad/cycle_two.scm"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "examples/firing_squad.scm: ok (2 exogenous, 4 endogenous variables)\n");
  expect_golden("validate/cycle_two.txt", r.err);
}

TEST_F(Cli, ConvertRoundTripsEveryExample) {
  for (const auto& name : kExamples) {
    const std::string path = "examples/" + name + ".scm";
    const Scm original = read_model_file(path);
    Result json = run({"convert", path, "--to", "json"});
    ASSERT_EQ(json.status, 0) << json.err;
    const Scm from_json = read_scm_json(json.out);
    EXPECT_EQ(from_json, original) << name;
    const fs::path tmp = fs::temp_directory_path() / ("rung_cli_" + name + ".json");
    std::ofstream(tmp, std::ios::binary) << json.out;
    Result text = run({"convert", tmp.string(), "--to", "scm"});
    fs::remove(tmp);
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_EQ(read_scm_text(text.out), original) << name;
    EXPECT_EQ(text.out, write_scm_text(original)) << name;
  }
}

TEST_F(Cli, ConvertWritesTheOutputFile) {
  const fs::path out = fs::temp_directory_path() / "rung_cli_convert_out.json";
  Result r = run({"convert", "examples/firing_squad.scm", "--to", "json", "-o", out.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(read_model_file(out), read_model_file("examples/firing_squad.scm"));
  fs::remove(out);
}

TEST_F(Cli, ExitStatuses) {
  EXPECT_EQ(run({}).status, 2);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
  EXPECT_EQ(run({"show"}).status, 2);
  EXPECT_EQ(run({"convert", "examples/firing_squad.scm", "--to", "xml"}).status, 2);
  EXPECT_EQ(run({"show", "examples/firing_squad.scm", "--bogus"}).status, 2);
  Result missing = run({"show", "no/such/file.scm"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err.rfind("rung: error: no/such/file.scm: cannot open", 0), 0U) << missing.err;
  Result bad = run({"show", "tests/data/bad/cycle_two.scm"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("cycle: "), std::string::npos);
}

TEST_F(Cli, HelpOnEveryCommand) {
  Result top = run({"--help"});
  EXPECT_EQ(top.status, 0);
  for (const char* cmd : {"validate", "show", "convert"}) {
    EXPECT_NE(top.out.find(cmd), std::string::npos) << cmd;
    Result r = run({cmd, "--help"});
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_NE(r.out.find(std::string("rung ") + cmd), std::string::npos) << r.out;
  }
  Result usage = run({"show"});
  EXPECT_NE(usage.err.find("MODEL is required"), std::string::npos) << usage.err;
  EXPECT_EQ(run({"--version"}).out, "rung 0.1.0\n");
}

}  // namespace
}  // namespace rung
