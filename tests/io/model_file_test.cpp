#include "rung/io/model_file.hpp"

#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace rung {
namespace {

namespace fs = std::filesystem;

class ModelFile : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rung_model_file_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
};

TEST_F(ModelFile, DetectsTheFormat) {
  EXPECT_EQ(detect_model_format("m.json", "X := 1"), ModelFormat::json);
  EXPECT_EQ(detect_model_format("m.scm", "{"), ModelFormat::scm);
  EXPECT_EQ(detect_model_format("m.txt", "  \n{\"endogenous\": []}"), ModelFormat::json);
  EXPECT_EQ(detect_model_format("m", "X := 1"), ModelFormat::scm);
}

TEST_F(ModelFile, ReadsBothFormatsToTheSameModel) {
  const std::string text = "exogenous U ~ Bernoulli(1/4)\nX := not U\n";
  Scm from_text = read_model_file(write("m.scm", text));
  Scm from_json = read_model_file(write("m.json", write_scm_json(from_text)));
  EXPECT_EQ(from_text, from_json);
}

TEST_F(ModelFile, DiagnosticsCarryThePath) {
  const auto path = write("bad.scm", "X := Y\n");
  try {
    (void)read_model_file(path);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostics().at(0).file, path.string());
  }
}

TEST_F(ModelFile, UnreadableFilesAreErrorsNotCrashes) {
  EXPECT_THROW((void)read_model_file(dir_ / "missing.scm"), Error);
  try {
    (void)read_text_file(dir_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir_.string() + ": is a directory, not a file");
  }
}

TEST_F(ModelFile, AtomicWriteReplacesAndLeavesNoTemporary) {
  const auto path = dir_ / "out.txt";
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  EXPECT_EQ(read_text_file(path), "second");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1U);
  EXPECT_THROW(write_file_atomically(dir_ / "no" / "such" / "dir.txt", "x"), Error);
}

TEST_F(ModelFile, AStreamingWriteThatThrowsLeavesTheOldFileAndNoTemporary) {
  const auto path = dir_ / "out.txt";
  write_file_atomically(path, "old");
  EXPECT_THROW(write_file_atomically(path, [](std::ostream& out) {
                 out << "half a dataset";
                 throw Error("interrupted");
               }),
               Error);
  EXPECT_EQ(read_text_file(path), "old");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1U);
  write_file_atomically(path, [](std::ostream& out) { out << "new"; });
  EXPECT_EQ(read_text_file(path), "new");
}

}  // namespace
}  // namespace rung
