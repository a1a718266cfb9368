// Exports (check/export.hpp, `rung export`): the Hugging Face folder (split files, counts,
// nested fields as JSON text, the card), the lm-eval task (YAML, utils.py, docs), splits by
// structure for records without a split field, and the errors (non-empty directory, a bad
// record named by file and line). tests/check/lm_eval_export_test.py runs the lm-eval hooks.

#include "rung/check/export.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/options.hpp"

#include "../gen/generated.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace rung {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system's temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "rung-export-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<rung::ordered_json> lines_of(const fs::path& p) {
  std::vector<rung::ordered_json> out;
  std::istringstream in(read(p));
  std::string line;
  while (std::getline(in, line)) out.push_back(rung::ordered_json::parse(line));
  return out;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

/// A small generated dataset written to `dir/name`.
fs::path dataset(const fs::path& dir, const std::string& name, const std::string& splits, int variants = 1, std::uint64_t count = 0) {
  GeneratorOptions o = preset_options("counterbench", 1);
  o.name_variants = variants;
  if (!splits.empty()) {
    o.splits = parse_splits(splits);
    count = 0;
    for (const auto& s : o.splits) count += s.second;
  }
  o.count = count;
  o.seed = 5;
  o.validate();
  const fs::path p = dir / name;
  write(p, testing::generated_text(o));
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ExportHf, WritesTheSplitFilesAndACard) {
  TempDir tmp;
  const fs::path data = dataset(tmp.path(), "cb.jsonl", "train=24,validation=8,test=8");
  ExportOptions o{.format = ExportFormat::hf, .dataset = data.string()};
  const ExportReport r = export_dataset((tmp.path() / "hf").string(), o);
  EXPECT_EQ(r.records, 40U);
  const std::vector<std::pair<std::string, std::size_t>> splits{{"train", 24}, {"validation", 8}, {"test", 8}};
  EXPECT_EQ(r.splits, splits);
  std::set<std::string> seen_structures;
  for (const auto& [split, n] : splits) {
    const auto rows = lines_of(tmp.path() / "hf" / "data" / (split + ".jsonl"));
    ASSERT_EQ(rows.size(), n) << split;
    for (const auto& row : rows) {
      EXPECT_EQ(row.at("split"), split);
      EXPECT_TRUE(row.at("model").is_string());  // nested fields as JSON text
      EXPECT_TRUE(nlohmann::json::parse(row.at("model").get<std::string>()).is_object());
      EXPECT_TRUE(row.at("answer").is_string());
      EXPECT_TRUE(seen_structures.insert(row.at("structure").get<std::string>()).second);
    }
  }
  const std::string card = read(tmp.path() / "hf" / "README.md");
  EXPECT_EQ(card.rfind("---\nlicense: unknown\n", 0), 0U) << card.substr(0, 200);
  EXPECT_NE(card.find("  - split: validation\n    path: data/validation.jsonl\n"), std::string::npos);
  EXPECT_NE(card.find("| `formal_query` |"), std::string::npos);
  EXPECT_NE(card.find("| `model` | the full SCM"), std::string::npos);
  EXPECT_NE(card.find("rung generate --preset counterbench -n 40 --seed 5 --difficulty 1 --splits train=24,validation=8,test=8"),
            std::string::npos)
      << card;
  EXPECT_NE(card.find("Re-verification: 40 records re-solved exactly, 40 verified, 0 mismatched, 0 failed."), std::string::npos);
  EXPECT_NE(card.find("structures in more than one split: 0"), std::string::npos);
  EXPECT_NE(card.find("Best shortcut rule on the 40 yes/no answers"), std::string::npos);
  // The same input gives the same bytes.
  ExportOptions again = o;
  again.force = true;
  (void)export_dataset((tmp.path() / "hf").string(), again);
  EXPECT_EQ(read(tmp.path() / "hf" / "README.md"), card);
}

TEST(ExportHf, EverythingInTestWithoutSplits) {
  TempDir tmp;
  const fs::path data = dataset(tmp.path(), "plain.jsonl", "", 1, 12);
  const ExportReport r = export_dataset((tmp.path() / "hf").string(), {.format = ExportFormat::hf, .dataset = data.string()});
  EXPECT_EQ(r.splits, (std::vector<std::pair<std::string, std::size_t>>{{"test", 12}}));
  EXPECT_FALSE(fs::exists(tmp.path() / "hf" / "data" / "train.jsonl"));
  EXPECT_EQ(lines_of(tmp.path() / "hf" / "data" / "test.jsonl").size(), 12U);
}

TEST(ExportHf, SplitsByStructureKeepNameVariantsTogether) {
  TempDir tmp;
  const fs::path data = dataset(tmp.path(), "variants.jsonl", "", 2, 40);  // 20 structures, 2 records each
  ExportOptions o{.format = ExportFormat::hf, .dataset = data.string(), .splits = "train=30,validation=4,test=6"};
  const ExportReport r = export_dataset((tmp.path() / "hf").string(), o);
  EXPECT_EQ(r.splits, (std::vector<std::pair<std::string, std::size_t>>{{"train", 30}, {"validation", 4}, {"test", 6}}));
  std::map<std::string, std::set<std::string>> splits_of;
  for (const char* split : {"train", "validation", "test"}) {
    for (const auto& row : lines_of(tmp.path() / "hf" / "data" / (std::string(split) + ".jsonl"))) {
      splits_of[row.at("structure").get<std::string>()].insert(split);
    }
  }
  EXPECT_EQ(splits_of.size(), 20U);
  for (const auto& [structure, splits] : splits_of) EXPECT_EQ(splits.size(), 1U) << structure;
  // Odd counts cannot hold whole pairs; counts that do not add up are refused too.
  o.splits = "train=31,validation=3,test=6";
  EXPECT_NE(error_of([&] { (void)export_dataset((tmp.path() / "odd").string(), o); }).find("cannot hold exactly 31"),
            std::string::npos);
  o.splits = "train=30,test=6";
  EXPECT_NE(error_of([&] { (void)export_dataset((tmp.path() / "sum").string(), o); }).find("must add up"), std::string::npos);
}

TEST(ExportHf, SplitsKeepNameVariantsTogetherByTheirTextWithoutAStructure) {
  // 20 structures of three name variants with their `structure` fields removed (as CounterBench's
  // public file has none): the variants' texts, equal up to the names, keep them in one split.
  // (Each record a group of its own, as before 7 December 2026, split 4 of the 20.)
  TempDir tmp;
  const fs::path with = dataset(tmp.path(), "variants.jsonl", "", 3, 60);
  std::string text;
  for (const auto& line : lines_of(with)) {
    rung::ordered_json j = line;
    j.erase("structure");
    text += j.dump() + "\n";
  }
  write(tmp.path() / "bare.jsonl", text);
  const ExportOptions o{.format = ExportFormat::hf, .dataset = (tmp.path() / "bare.jsonl").string(), .splits = "train=42,validation=9,test=9"};
  (void)export_dataset((tmp.path() / "hf").string(), o);
  std::map<std::string, std::set<std::string>> splits_of;  // model_id -> splits
  for (const char* split : {"train", "validation", "test"}) {
    for (const auto& row : lines_of(tmp.path() / "hf" / "data" / (std::string(split) + ".jsonl"))) {
      EXPECT_FALSE(row.contains("structure"));
      splits_of[nlohmann::json::parse(row.at("meta").get<std::string>()).at("model_id").dump()].insert(split);
    }
  }
  EXPECT_EQ(splits_of.size(), 20U);
  for (const auto& [model, splits] : splits_of) EXPECT_EQ(splits.size(), 1U) << model;
}

TEST(ExportHf, AssignSplitsIsExactAndFirstFit) {
  const std::vector<std::pair<std::string, std::uint64_t>> counts{{"a", 3}, {"b", 2}};
  EXPECT_EQ(assign_splits({2, 2, 1}, counts), (std::vector<std::size_t>{0, 1, 0}));
  EXPECT_THROW((void)assign_splits({2, 2, 2}, {{"a", 3}, {"b", 3}}), UsageError);
}

TEST(Export, RefusesANonEmptyDirectoryAndNamesABadRecord) {
  TempDir tmp;
  const fs::path data = dataset(tmp.path(), "cb.jsonl", "", 1, 4);
  fs::create_directories(tmp.path() / "busy");
  write(tmp.path() / "busy" / "keep.txt", "mine");
  const ExportOptions o{.format = ExportFormat::hf, .dataset = data.string()};
  EXPECT_NE(error_of([&] { (void)export_dataset((tmp.path() / "busy").string(), o); }).find("not empty"), std::string::npos);
  ExportOptions forced = o;
  forced.force = true;
  EXPECT_NO_THROW((void)export_dataset((tmp.path() / "busy").string(), forced));
  EXPECT_EQ(read(tmp.path() / "busy" / "keep.txt"), "mine");

  std::string text = read(data);
  text += "\n{\"id\": \"x\", \"answer\": \"maybe\"}\n";
  write(tmp.path() / "bad.jsonl", text);
  const std::string message = error_of([&] {
    (void)export_dataset((tmp.path() / "out").string(), {.format = ExportFormat::lm_eval, .dataset = (tmp.path() / "bad.jsonl").string()});
  });
  EXPECT_NE(message.find("bad.jsonl:6: "), std::string::npos) << message;
  EXPECT_NE(message.find("maybe"), std::string::npos) << message;
  write(tmp.path() / "broken.jsonl", "{\"id\": \"a\", \"answer\": \"yes\"}\n{not json\n");
  EXPECT_NE(error_of([&] {
              (void)export_dataset((tmp.path() / "out2").string(),
                                   {.format = ExportFormat::hf, .dataset = (tmp.path() / "broken.jsonl").string()});
            }).find("broken.jsonl:2: not valid JSON"),
            std::string::npos);
}

TEST(ExportLmEval, WritesTheTaskYamlTheHooksAndTheDocs) {
  TempDir tmp;
  const fs::path data = dataset(tmp.path(), "cb-small.jsonl", "", 1, 10);
  const ExportReport r = export_dataset((tmp.path() / "task").string(), {.format = ExportFormat::lm_eval, .dataset = data.string()});
  EXPECT_EQ(r.files, (std::vector<std::string>{"rung_cb_small.yaml", "utils.py", "rung_cb_small.jsonl"}));
  const std::string yaml = read(tmp.path() / "task" / "rung_cb_small.yaml");
  for (const char* line : {"task: rung_cb_small\n", "dataset_path: json\n", "test_split: test\n", "output_type: generate_until\n",
                           "doc_to_text: !function utils.doc_to_text\n", "doc_to_target: !function utils.doc_to_target\n",
                           "process_results: !function utils.process_results\n", "  - metric: acc\n"}) {
    EXPECT_NE(yaml.find(line), std::string::npos) << line << " in\n" << yaml;
  }
  EXPECT_NE(yaml.find("    test: \"" + (fs::absolute(tmp.path() / "task") / "rung_cb_small.jsonl").lexically_normal().string() + "\""),
            std::string::npos)
      << yaml;
  const std::string utils = read(tmp.path() / "task" / "utils.py");
  EXPECT_NE(utils.find("def process_results(doc, results):"), std::string::npos);
  EXPECT_NE(utils.find("import rung as _rung"), std::string::npos);
  const auto docs = lines_of(tmp.path() / "task" / "rung_cb_small.jsonl");
  ASSERT_EQ(docs.size(), 10U);
  const auto records = lines_of(data);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(docs[i].at("id"), records[i].at("id"));
    EXPECT_EQ(docs[i].at("prompt"), records[i].at("prompt"));
    EXPECT_EQ(docs[i].at("answer"), records[i].at("answer"));
    EXPECT_EQ(docs[i].at("kind"), "yes_no");
    EXPECT_EQ(rung::ordered_json::parse(docs[i].at("record").get<std::string>()), records[i]);
  }
  // A dataset with splits: one docs file a split, the test split scored.
  const fs::path split = dataset(tmp.path(), "s.jsonl", "train=6,test=4");
  const ExportReport s = export_dataset((tmp.path() / "split").string(),
                                        {.format = ExportFormat::lm_eval, .dataset = split.string(), .task = "cb_split"});
  EXPECT_EQ(s.files, (std::vector<std::string>{"cb_split.yaml", "utils.py", "cb_split.train.jsonl", "cb_split.test.jsonl"}));
  EXPECT_NE(read(tmp.path() / "split" / "cb_split.yaml").find("training_split: train\n"), std::string::npos);
}

TEST(Export, GenerateCommandNamesTheKnobsThatDifferFromThePreset) {
  GeneratorOptions o = preset_options("ladder", 3);
  o.count = 50;
  o.seed = 9;
  o.types = {"ate", "pns"};
  o.name_variants = 2;
  EXPECT_EQ(generate_command(o.to_json().dump()),
            "rung generate --preset ladder -n 50 --seed 9 --difficulty 3 --types ate,pns --name-variants 2");
  EXPECT_THROW((void)generate_command("{\"preset\": 3}"), Error);
}

}  // namespace
}  // namespace rung
