// One file (~1,000 lines) because the two learners, the regressor and the importance measure share
// one private design matrix, fold layout and scoring code; split, they would need it as a public
// interface of its own.
#include "rung/check/learners.hpp"

#include "rung/check/checker.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/random.hpp"

#include <fmt/format.h>
#include <linear.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <exception>
#include <memory>
#include <thread>
#include <atomic>
#include <map>
#include <mutex>
#include <numeric>
#include <set>

namespace rung {


std::string fold_key(const std::optional<std::string>& structure, std::string_view text, const std::vector<std::string>& names) {
  return structure ? "s:" + *structure : "t:" + renamed_text(text, names);
}

double Accuracy::mean_correct() const noexcept {
  return repeats == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(repeats);
}

std::pair<double, double> Accuracy::wilson95() const {
  const Interval i = wilson_interval_of_share(rate(), records());
  return {i.low, i.high};
}

std::vector<std::vector<std::size_t>> fold_layouts(const std::vector<std::size_t>& type, const std::vector<std::size_t>& group,
                                                   unsigned folds, unsigned repeats, std::uint64_t seed) {
  std::vector<std::size_t> groups_of_type;  // type -> its groups (the largest number + 1)
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (type[i] >= groups_of_type.size()) groups_of_type.resize(type[i] + 1, 0);
    groups_of_type[type[i]] = std::max(groups_of_type[type[i]], group[i] + 1);
  }
  std::vector<std::vector<std::size_t>> out(std::max(1U, repeats), std::vector<std::size_t>(type.size()));
  for (std::size_t r = 0; r < out.size(); ++r) {
    // position[t][n]: where group n of type t stands in this layout's order.
    std::vector<std::vector<std::size_t>> position(groups_of_type.size());
    for (std::size_t t = 0; t < position.size(); ++t) {
      position[t].resize(groups_of_type[t]);
      std::iota(position[t].begin(), position[t].end(), std::size_t{0});
      if (r > 0) {
        Rng rng(Rng::item_seed(seed, r * position.size() + t));
        rng.shuffle(position[t]);
      }
    }
    for (std::size_t i = 0; i < type.size(); ++i) out[r][i] = position[type[i]][group[i]] % folds;
  }
  return out;
}

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr std::uint64_t kFoldStream = 0x666f6c6473726570ULL;  // "foldsrep"

// ---- xgboost ------------------------------------------------------------------------------------

void xgb_check(int rc, const char* what) {
  if (rc != 0) throw Error(fmt::format("xgboost: {}: {}", what, XGBGetLastError()));
}

class DMatrix {
 public:
  DMatrix(const std::vector<float>& data, std::size_t rows, std::size_t cols) {
    xgb_check(XGDMatrixCreateFromMat_omp(data.data(), rows, cols, kMissing, &handle_, 1), "XGDMatrixCreateFromMat");
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() { XGDMatrixFree(handle_); }
  [[nodiscard]] DMatrixHandle get() const { return handle_; }
  void labels(const std::vector<float>& y) {
    xgb_check(XGDMatrixSetFloatInfo(handle_, "label", y.data(), y.size()), "XGDMatrixSetFloatInfo");
  }

 private:
  DMatrixHandle handle_ = nullptr;
};

class Booster {
 public:
  /// Trains on `train` with `params` for `rounds` rounds.
  Booster(const DMatrix& train, const std::vector<std::pair<std::string, std::string>>& params, unsigned rounds) {
    DMatrixHandle h = train.get();
    xgb_check(XGBoosterCreate(&h, 1, &handle_), "XGBoosterCreate");
    for (const auto& [k, v] : params) xgb_check(XGBoosterSetParam(handle_, k.c_str(), v.c_str()), "XGBoosterSetParam");
    for (unsigned i = 0; i < rounds; ++i) {
      xgb_check(XGBoosterUpdateOneIter(handle_, static_cast<int>(i), train.get()), "XGBoosterUpdateOneIter");
    }
  }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() { XGBoosterFree(handle_); }
  /// The columns some split of some tree uses (xgboost's "weight" importance > 0); a column
  /// outside this set cannot change a prediction.
  [[nodiscard]] std::vector<bool> used_columns(std::size_t cols) const {
    std::vector<bool> used(cols, false);
    bst_ulong n = 0;
    const char** names = nullptr;
    bst_ulong dim = 0;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    xgb_check(XGBoosterFeatureScore(handle_, R"({"importance_type": "weight"})", &n, &names, &dim, &shape, &scores),
              "XGBoosterFeatureScore");
    for (bst_ulong k = 0; k < n; ++k) {
      // Columns without names are called f0, f1, ...
      const std::string_view name(names[k]);
      if (name.size() < 2 || name[0] != 'f') continue;
      std::size_t c = 0;
      for (char ch : name.substr(1)) c = c * 10 + static_cast<std::size_t>(ch - '0');
      if (c < cols) used[c] = true;
    }
    return used;
  }
  /// Predictions (rows × outputs, row-major).
  [[nodiscard]] std::vector<float> predict(const DMatrix& m) const {
    bst_ulong n = 0;
    const float* out = nullptr;
    xgb_check(XGBoosterPredict(handle_, m.get(), 0, 0, 0, &n, &out), "XGBoosterPredict");
    return {out, out + n};
  }

 private:
  BoosterHandle handle_ = nullptr;
};

void quiet(const char*) {}

void set_up_libraries() {
  static std::once_flag once;
  std::call_once(once, [] {
    set_print_string_function(&quiet);
    XGBSetGlobalConfig(R"({"verbosity": 0})");
  });
}

// ---- the data -----------------------------------------------------------------------------------

/// A population (yes/no or numeric records) and its columns.
struct Population {
  std::vector<const LearnerRecord*> rows;
  /// [repeat][index]: the record's fold in each repetition of the k-fold split.
  std::vector<std::vector<std::size_t>> folds;
  std::vector<std::size_t> group;  ///< index in groups
  std::vector<std::string> groups;
  std::vector<int> label;          ///< class index (classification)
  std::vector<std::string> classes;
  // Tree columns (row-major).
  std::size_t cols = 0;
  std::vector<float> x;
  std::vector<std::string> column_names;
};

std::string shorten(const std::string& s, std::size_t n) {
  const std::string one = one_line(s);
  return one.size() <= n ? one : one.substr(0, n) + "...";
}

Population population(const std::vector<const LearnerRecord*>& rows, const LearnerOptions& o, bool classify) {
  Population p;
  p.rows = rows;
  std::set<std::string> groups;
  std::set<std::string> classes;
  for (const auto* r : rows) {
    groups.insert(r->group);
    classes.insert(r->answer);
  }
  p.groups.assign(groups.begin(), groups.end());
  std::sort(p.groups.begin(), p.groups.end(), natural_less);
  p.classes.assign(classes.begin(), classes.end());
  std::sort(p.classes.begin(), p.classes.end(), natural_less);
  // Folds by position within the type: generated files often cycle through the types, and a
  // fold of "position mod k" could then hold every record of a type. Records with one
  // fold_group take the first one's fold: name variants are held out together. Repetition 0
  // numbers a type's fold groups in file order; each further repetition in a seeded random order.
  std::vector<std::size_t> groups_in_type(p.groups.size(), 0);
  std::vector<std::size_t> ordinal;  // the record's fold group's number within its type
  std::map<std::pair<std::size_t, std::uint64_t>, std::size_t> ordinal_of_group;  // (type, fold_group) -> number
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto g = static_cast<std::size_t>(std::find(p.groups.begin(), p.groups.end(), rows[i]->group) - p.groups.begin());
    p.group.push_back(g);
    if (rows[i]->fold_group) {
      const auto [it, first] = ordinal_of_group.try_emplace({g, *rows[i]->fold_group}, groups_in_type[g]);
      if (first) ++groups_in_type[g];
      ordinal.push_back(it->second);
    } else {
      ordinal.push_back(groups_in_type[g]++);
    }
    if (classify) {
      p.label.push_back(static_cast<int>(std::find(p.classes.begin(), p.classes.end(), rows[i]->answer) - p.classes.begin()));
    }
  }
  p.folds = fold_layouts(p.group, ordinal, o.folds, o.repeats, o.seed ^ kFoldStream);
  // Frequent templates (most records first, then first appearance).
  std::map<std::string, std::pair<std::size_t, std::size_t>> tcount;  // text → (records, first)
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto [it, fresh] = tcount.try_emplace(rows[i]->template_text, 0, i);
    ++it->second.first;
  }
  std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>> tlist(tcount.begin(), tcount.end());
  std::sort(tlist.begin(), tlist.end(), [](const auto& a, const auto& b) {
    return a.second.first != b.second.first ? a.second.first > b.second.first : a.second.second < b.second.second;
  });
  std::vector<std::string> templates;
  for (const auto& [t, n] : tlist) {
    if (templates.size() >= o.max_templates || n.first < 2 || tlist.size() < 2) break;
    templates.push_back(t);
  }

  p.column_names = feature_names();
  const std::size_t fixed = p.column_names.size();
  if (p.groups.size() > 1) {
    for (const auto& g : p.groups) p.column_names.push_back("type=" + g);
  }
  for (std::size_t t = 0; t < templates.size(); ++t) p.column_names.push_back("template: " + shorten(templates[t], 60));
  p.cols = p.column_names.size();
  p.x.assign(rows.size() * p.cols, kMissing);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const LearnerRecord& r = *rows[i];
    FeatureInput in;
    in.given_info = r.given_info;
    in.question = r.question;
    in.names = r.names;
    in.treatment = r.treatment;
    in.outcome = r.outcome;
    const std::vector<double> f = text_features(in);
    float* row = &p.x[i * p.cols];
    for (std::size_t k = 0; k < fixed; ++k) row[k] = static_cast<float>(f[k]);
    std::size_t c = fixed;
    if (p.groups.size() > 1) {
      for (std::size_t g = 0; g < p.groups.size(); ++g) row[c++] = p.group[i] == g ? 1.0F : 0.0F;
    }
    for (const auto& t : templates) row[c++] = r.template_text == t ? 1.0F : 0.0F;
  }
  return p;
}

std::vector<float> gather(const Population& p, const std::vector<std::size_t>& idx) {
  std::vector<float> out(idx.size() * p.cols);
  for (std::size_t k = 0; k < idx.size(); ++k) {
    std::copy_n(&p.x[idx[k] * p.cols], p.cols, &out[k * p.cols]);
  }
  return out;
}

/// Per-record outcomes of one cross-validated learner on a subset of a population: in how many
/// of the repetitions the record was predicted right.
struct Outcomes {
  std::vector<std::uint8_t> correct;               ///< by population index (only the subset's set)
  std::vector<std::vector<std::uint8_t>> permuted; ///< [column][index]: correct with the column permuted
};

std::vector<std::pair<std::string, std::string>> tree_params(const LearnerOptions& o, std::size_t classes, bool regression) {
  std::vector<std::pair<std::string, std::string>> params{
      {"nthread", "1"},       {"seed", std::to_string(o.seed)}, {"tree_method", "hist"},
      {"max_depth", std::to_string(o.max_depth)}, {"eta", fmt::format("{}", o.eta)}, {"subsample", "1"},
      {"colsample_bytree", "1"}, {"verbosity", "0"}};
  if (regression) {
    params.emplace_back("objective", "reg:squarederror");
  } else if (classes <= 2) {
    params.emplace_back("objective", "binary:logistic");
  } else {
    params.emplace_back("objective", "multi:softprob");
    params.emplace_back("num_class", std::to_string(classes));
  }
  return params;
}

std::vector<int> classes_of(const std::vector<float>& out, std::size_t rows, std::size_t classes) {
  std::vector<int> pred(rows);
  if (classes <= 2) {
    for (std::size_t k = 0; k < rows; ++k) pred[k] = out[k] > 0.5F ? 1 : 0;
  } else {
    for (std::size_t k = 0; k < rows; ++k) {
      const float* p = &out[k * classes];
      pred[k] = static_cast<int>(std::max_element(p, p + classes) - p);
    }
  }
  return pred;
}

/// Splits `subset` into the training and held-out records of `fold` of repetition `repeat`.
void split_fold(const Population& p, const std::vector<std::size_t>& subset, std::size_t repeat, std::size_t fold,
                std::vector<std::size_t>& train, std::vector<std::size_t>& test) {
  train.clear();
  test.clear();
  for (auto i : subset) (p.folds[repeat][i] == fold ? test : train).push_back(i);
}

/// Permutes column `c` of `m` (rows × cols) in place with a seeded Fisher–Yates.
void permute_column(std::vector<float>& m, std::size_t rows, std::size_t cols, std::size_t c, std::uint64_t seed) {
  Rng rng(seed);
  for (std::size_t i = rows; i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.below(i));
    std::swap(m[(i - 1) * cols + c], m[j * cols + c]);
  }
}

bool column_varies(const std::vector<float>& m, std::size_t rows, std::size_t cols, std::size_t c) {
  for (std::size_t k = 1; k < rows; ++k) {
    const float a = m[c];
    const float b = m[k * cols + c];
    if (!(a == b || (std::isnan(a) && std::isnan(b)))) return true;
  }
  return false;
}

/// k-fold cross-validated trees on `subset`. The permutation importances are computed only when
/// `explain(correct)` says so (the boosters of the folds are kept until then).
template <typename Explain>
Outcomes cv_trees(const Population& p, const std::vector<std::size_t>& subset, const LearnerOptions& o, std::uint64_t salt,
                  Explain explain) {
  Outcomes out;
  out.correct.assign(p.rows.size(), 0);
  struct Fold {
    std::vector<std::size_t> test;
    std::vector<float> xt;
    std::vector<std::uint8_t> ok;      ///< whether test[k] was predicted right
    std::unique_ptr<Booster> booster;  ///< null: a single class to learn from, predicted as is
  };
  // Fold f of repetition r is folds[r * o.folds + f].
  std::vector<Fold> folds(p.folds.size() * o.folds);
  std::vector<std::size_t> train;
  for (std::size_t n = 0; n < folds.size(); ++n) {
    Fold& fold = folds[n];
    split_fold(p, subset, n / o.folds, n % o.folds, train, fold.test);
    if (fold.test.empty()) continue;
    std::set<int> seen;
    for (auto i : train) seen.insert(p.label[i]);
    if (seen.size() < 2) {
      const int c = train.empty() ? 0 : p.label[train.front()];
      for (auto i : fold.test) out.correct[i] = static_cast<std::uint8_t>(out.correct[i] + (p.label[i] == c ? 1 : 0));
      continue;
    }
    DMatrix dtrain(gather(p, train), train.size(), p.cols);
    std::vector<float> y;
    for (auto i : train) y.push_back(static_cast<float>(p.label[i]));
    dtrain.labels(y);
    fold.booster = std::make_unique<Booster>(dtrain, tree_params(o, p.classes.size(), false), o.rounds);
    fold.xt = gather(p, fold.test);
    const auto base =
        classes_of(fold.booster->predict(DMatrix(fold.xt, fold.test.size(), p.cols)), fold.test.size(), p.classes.size());
    for (std::size_t k = 0; k < fold.test.size(); ++k) {
      fold.ok.push_back(base[k] == p.label[fold.test[k]] ? 1 : 0);
      out.correct[fold.test[k]] = static_cast<std::uint8_t>(out.correct[fold.test[k]] + fold.ok.back());
    }
  }
  if (!explain(out.correct)) return out;
  out.permuted.assign(p.cols, out.correct);
  for (std::size_t n = 0; n < folds.size(); ++n) {
    Fold& fold = folds[n];
    if (!fold.booster) continue;
    const std::vector<bool> used = fold.booster->used_columns(p.cols);
    for (std::size_t c = 0; c < p.cols; ++c) {
      if (!used[c] || !column_varies(fold.xt, fold.test.size(), p.cols, c)) continue;
      std::vector<float> xp = fold.xt;
      permute_column(xp, fold.test.size(), p.cols, c, Rng::item_seed(o.seed ^ salt, n * 100003 + c));
      const auto pred =
          classes_of(fold.booster->predict(DMatrix(xp, fold.test.size(), p.cols)), fold.test.size(), p.classes.size());
      auto& col = out.permuted[c];
      for (std::size_t k = 0; k < fold.test.size(); ++k) {
        const std::size_t i = fold.test[k];
        col[i] = static_cast<std::uint8_t>(col[i] - fold.ok[k] + (pred[k] == p.label[i] ? 1 : 0));
      }
    }
  }
  return out;
}

// ---- liblinear ----------------------------------------------------------------------------------

struct Ngrams {
  std::vector<std::string> names;                   ///< feature j+1 is names[j]
  std::vector<std::vector<feature_node>> rows;      ///< per population index, ending with bias and -1
};

Ngrams ngrams(const Population& p, const LearnerOptions& o) {
  std::vector<std::vector<std::string>> grams(p.rows.size());
  std::map<std::string, std::size_t> df;
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    const LearnerRecord& r = *p.rows[i];
    // The roles the question names (the record's meta.treatment/outcome when it has them).
    const QuestionRoles roles = r.treatment && r.outcome ? QuestionRoles{} : question_roles(r.question);
    const std::string x = r.treatment.value_or(roles.treatment);
    const std::string y = r.outcome.value_or(roles.outcome);
    const auto words = masked_words(r.text, r.names, x, y);
    std::set<std::string> set;
    for (std::size_t k = 0; k < words.size(); ++k) {
      set.insert(words[k]);
      if (k + 1 < words.size()) set.insert(words[k] + " " + words[k + 1]);
    }
    set.insert("type=" + r.group);
    for (const auto& g : set) ++df[g];
    grams[i].assign(set.begin(), set.end());
  }
  Ngrams n;
  std::map<std::string, int> index;
  for (const auto& [g, count] : df) {
    if (count < o.min_count || count == p.rows.size()) continue;
    n.names.push_back(g);
    index[g] = static_cast<int>(n.names.size());
  }
  const int bias_index = static_cast<int>(n.names.size()) + 1;
  n.rows.resize(p.rows.size());
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    auto& row = n.rows[i];
    for (const auto& g : grams[i]) {
      if (auto it = index.find(g); it != index.end()) row.push_back({it->second, 1.0});
    }
    std::sort(row.begin(), row.end(), [](const feature_node& a, const feature_node& b) { return a.index < b.index; });
    row.push_back({bias_index, 1.0});
    row.push_back({-1, 0.0});
  }
  return n;
}

struct LinearModel {
  model* m = nullptr;
  LinearModel() = default;
  LinearModel(const LinearModel&) = delete;
  LinearModel& operator=(const LinearModel&) = delete;
  ~LinearModel() {
    if (m != nullptr) free_and_destroy_model(&m);
  }
};

/// Trains on `train`; nullptr-model when it has a single class (then `constant` is that class).
void train_linear(const Population& p, const Ngrams& n, const std::vector<std::size_t>& train, const LearnerOptions& o,
                  LinearModel& lm, int& constant) {
  std::set<int> seen;
  for (auto i : train) seen.insert(p.label[i]);
  constant = train.empty() ? 0 : p.label[train.front()];
  if (seen.size() < 2) return;
  std::vector<double> y;
  std::vector<feature_node*> x;
  for (auto i : train) {
    y.push_back(p.label[i]);
    x.push_back(const_cast<feature_node*>(n.rows[i].data()));  // liblinear only reads them
  }
  problem prob{};
  prob.l = static_cast<int>(train.size());
  prob.n = static_cast<int>(n.names.size()) + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = o.linear_c;
  param.p = 0.1;
  if (const char* err = check_parameter(&prob, &param)) throw Error(fmt::format("liblinear: {}", err));
  lm.m = ::train(&prob, &param);
}

int predict_linear(const LinearModel& lm, int constant, const feature_node* x) {
  if (lm.m == nullptr) return constant;
  return static_cast<int>(std::lround(predict(lm.m, x)));
}

std::vector<std::uint8_t> cv_linear(const Population& p, const Ngrams& n, const std::vector<std::size_t>& subset, const LearnerOptions& o) {
  std::vector<std::uint8_t> correct(p.rows.size(), 0);
  std::vector<std::size_t> train, test;
  for (std::size_t r = 0; r < p.folds.size(); ++r) {
    for (std::size_t f = 0; f < o.folds; ++f) {
      split_fold(p, subset, r, f, train, test);
      if (test.empty()) continue;
      LinearModel lm;
      int constant = 0;
      train_linear(p, n, train, o, lm, constant);
      for (auto i : test) {
        correct[i] = static_cast<std::uint8_t>(correct[i] + (predict_linear(lm, constant, n.rows[i].data()) == p.label[i] ? 1 : 0));
      }
    }
  }
  return correct;
}

/// The highest-|weight| n-grams of a model trained on every record of `subset`.
std::vector<FeatureImportance> linear_top(const Population& p, const Ngrams& n, const std::vector<std::size_t>& subset,
                                          const LearnerOptions& o) {
  LinearModel lm;
  int constant = 0;
  train_linear(p, n, subset, o, lm, constant);
  if (lm.m == nullptr) return {};
  const int classes = get_nr_class(lm.m);
  std::vector<int> labels(static_cast<std::size_t>(classes));
  get_labels(lm.m, labels.data());
  const int columns = classes == 2 ? 1 : classes;
  struct W {
    std::size_t feature;
    double w;
    int label;
  };
  std::vector<W> ws;
  for (std::size_t j = 0; j < n.names.size(); ++j) {
    W best{j, 0.0, labels[0]};
    for (int c = 0; c < columns; ++c) {
      const double w = lm.m->w[j * static_cast<std::size_t>(columns) + static_cast<std::size_t>(c)];
      if (std::abs(w) > std::abs(best.w)) best = {j, w, labels[static_cast<std::size_t>(c)]};
    }
    ws.push_back(best);
  }
  std::stable_sort(ws.begin(), ws.end(), [](const W& a, const W& b) { return std::abs(a.w) > std::abs(b.w); });
  std::vector<FeatureImportance> top;
  for (const auto& w : ws) {
    if (top.size() >= o.top_features || w.w == 0) break;
    // Binary: a positive weight pushes towards labels[0], a negative one towards labels[1].
    // Several classes: one weight vector a class; the largest |weight| is listed with its class.
    std::string towards = p.classes[static_cast<std::size_t>(w.label)];
    if (classes == 2 && w.w < 0) towards = p.classes[static_cast<std::size_t>(labels[1])];
    top.push_back({n.names[w.feature], classes == 2 ? std::abs(w.w) : w.w, towards});
  }
  return top;
}

// ---- scoring ------------------------------------------------------------------------------------

/// `correct` counts the repetitions a record was right in: the sums over `p`'s repetitions.
Accuracy score(const Population& p, const std::vector<std::uint8_t>& correct, const std::vector<std::size_t>& idx) {
  Accuracy s;
  s.repeats = p.folds.size();
  for (auto i : idx) {
    s.total += s.repeats;
    s.correct += correct[i];
  }
  return s;
}

std::vector<FeatureImportance> permutation_top(const Population& p, const Outcomes& out, const std::vector<std::size_t>& idx,
                                               const LearnerOptions& o) {
  if (idx.empty()) return {};
  std::size_t base = 0;
  for (auto i : idx) base += out.correct[i];
  std::vector<std::pair<double, std::size_t>> drops;
  for (std::size_t c = 0; c < p.cols; ++c) {
    std::size_t perm = 0;
    for (auto i : idx) perm += out.permuted[c][i];
    const double drop =
        (static_cast<double>(base) - static_cast<double>(perm)) / static_cast<double>(idx.size() * p.folds.size());
    if (drop > 0) drops.emplace_back(drop, c);
  }
  std::stable_sort(drops.begin(), drops.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<FeatureImportance> top;
  for (const auto& [d, c] : drops) {
    if (top.size() >= o.top_features) break;
    top.push_back({p.column_names[c], d, {}});
  }
  return top;
}

std::vector<std::size_t> all_of(const Population& p) {
  std::vector<std::size_t> idx(p.rows.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  return idx;
}

std::vector<std::size_t> group_of(const Population& p, std::size_t g) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    if (p.group[i] == g) idx.push_back(i);
  }
  return idx;
}

/// Runs job(0), ..., job(n - 1) on up to `threads` threads; each job writes only its own slot,
/// so the results do not depend on the thread count. Rethrows the first failure (by index).
void run_parallel(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& job) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        job(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const std::size_t t = std::min<std::size_t>(std::max(1U, threads), n);
  std::vector<std::thread> pool;
  for (std::size_t k = 1; k < t; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

std::vector<std::vector<std::size_t>> groups_of(const Population& p) {
  std::vector<std::vector<std::size_t>> idx(p.groups.size());
  for (std::size_t i = 0; i < p.rows.size(); ++i) idx[p.group[i]].push_back(i);
  return idx;
}

/// Whether `a`, scored on the records `idx`, is more than `o.explain_margin` above the share of
/// the most common answer among them (the cells whose features are listed).
bool above_majority(const Population& p, const std::vector<std::size_t>& idx, const Accuracy& a, const LearnerOptions& o) {
  if (idx.empty()) return false;
  std::vector<std::size_t> counts(p.classes.size(), 0);
  for (std::size_t i : idx) ++counts[static_cast<std::size_t>(p.label[i])];
  const double majority = static_cast<double>(*std::max_element(counts.begin(), counts.end())) / static_cast<double>(idx.size());
  return a.rate() > majority + o.explain_margin;
}

LearnerResult run_trees(const Population& p, const LearnerOptions& o) {
  LearnerResult r;
  r.name = "trees";
  r.description = fmt::format("gradient-boosted trees (xgboost hist, {} rounds, depth {}, eta {}) on {} columns: the text "
                              "features, the type and frequent templates one-hot",
                              o.rounds, o.max_depth, o.eta, p.cols);
  const auto all = all_of(p);
  const auto idx = groups_of(p);
  const bool per_type = p.groups.size() >= 2;
  auto above = [&](const std::vector<std::size_t>& rows, const Accuracy& a) { return above_majority(p, rows, a, o); };
  // Job 0: the pooled model; job g + 1: the model of type g.
  std::vector<Outcomes> outs(per_type ? 1 + p.groups.size() : 1);
  run_parallel(outs.size(), o.threads, [&](std::size_t j) {
    if (j == 0) {
      outs[0] = cv_trees(p, all, o, 0, [&](const std::vector<std::uint8_t>& correct) {
        bool any = above(all, score(p, correct, all));
        for (std::size_t g = 0; per_type && g < idx.size(); ++g) any = any || above(idx[g], score(p, correct, idx[g]));
        return any;
      });
    } else {
      outs[j] = cv_trees(p, idx[j - 1], o, j,
                         [&](const std::vector<std::uint8_t>& correct) { return above(idx[j - 1], score(p, correct, idx[j - 1])); });
    }
  });
  r.all.pooled = score(p, outs[0].correct, all);
  if (above(all, r.all.pooled)) r.all.pooled_top = permutation_top(p, outs[0], all, o);
  if (!per_type) return r;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    LearnerCell cell;
    cell.pooled = score(p, outs[0].correct, idx[g]);
    if (above(idx[g], cell.pooled)) cell.pooled_top = permutation_top(p, outs[0], idx[g], o);
    cell.per_type = score(p, outs[g + 1].correct, idx[g]);
    if (above(idx[g], cell.per_type)) cell.per_type_top = permutation_top(p, outs[g + 1], idx[g], o);
    r.by_group[p.groups[g]] = std::move(cell);
  }
  return r;
}

LearnerResult run_linear(const Population& p, const Ngrams& n, const LearnerOptions& o) {
  LearnerResult r;
  r.name = "linear";
  r.description = fmt::format("L2-regularised logistic regression (liblinear, C = {}) on {} binary word 1-2-grams of the "
                              "masked text and the type",
                              o.linear_c, n.names.size());
  const auto all = all_of(p);
  const auto idx = groups_of(p);
  const bool per_type = p.groups.size() >= 2;
  std::vector<std::vector<std::uint8_t>> outs(per_type ? 1 + p.groups.size() : 1);
  run_parallel(outs.size(), o.threads, [&](std::size_t j) { outs[j] = cv_linear(p, n, j == 0 ? all : idx[j - 1], o); });
  r.all.pooled = score(p, outs[0], all);
  for (std::size_t g = 0; per_type && g < p.groups.size(); ++g) {
    LearnerCell cell;
    cell.pooled = score(p, outs[0], idx[g]);
    cell.per_type = score(p, outs[g + 1], idx[g]);
    r.by_group[p.groups[g]] = std::move(cell);
  }
  // The weights of models fitted on every record of a cell above the threshold. The pooled
  // model's weights are shared by every type; they are listed in the "all" cell only.
  std::vector<std::vector<FeatureImportance>> tops(outs.size());
  run_parallel(outs.size(), o.threads, [&](std::size_t j) {
    if (j == 0 && above_majority(p, all, r.all.pooled, o)) tops[0] = linear_top(p, n, all, o);
    if (j > 0 && above_majority(p, idx[j - 1], r.by_group.at(p.groups[j - 1]).per_type, o)) tops[j] = linear_top(p, n, idx[j - 1], o);
  });
  r.all.pooled_top = std::move(tops[0]);
  for (std::size_t g = 0; per_type && g < p.groups.size(); ++g) r.by_group[p.groups[g]].per_type_top = std::move(tops[g + 1]);
  return r;
}

NumericLearners run_numeric(const Population& p, const LearnerOptions& o) {
  NumericLearners out;
  out.records = p.rows.size();
  const std::size_t n = p.rows.size();
  std::vector<double> err_trees(n, 0), err_mean(n, 0);
  std::vector<std::vector<double>> err_perm(p.cols, std::vector<double>(n, 0));
  const auto all = all_of(p);
  // Each repetition adds its errors divided by the number of repetitions (the mean over them).
  const double w = 1.0 / static_cast<double>(p.folds.size());
  std::vector<std::size_t> train, test;
  for (std::size_t n_fold = 0; n_fold < p.folds.size() * o.folds; ++n_fold) {
    split_fold(p, all, n_fold / o.folds, n_fold % o.folds, train, test);
    if (test.empty()) continue;
    // The type mean of the training folds (the overall training mean for a type not seen).
    std::vector<double> sum(p.groups.size(), 0), count(p.groups.size(), 0);
    double total = 0;
    for (auto i : train) {
      sum[p.group[i]] += p.rows[i]->value;
      count[p.group[i]] += 1;
      total += p.rows[i]->value;
    }
    const double overall = train.empty() ? 0 : total / static_cast<double>(train.size());
    for (auto i : test) {
      const std::size_t g = p.group[i];
      const double m = count[g] > 0 ? sum[g] / count[g] : overall;
      err_mean[i] += std::abs(m - p.rows[i]->value) * w;
    }
    if (train.size() < 2) {
      for (auto i : test) {
        const double e = std::abs(overall - p.rows[i]->value) * w;
        err_trees[i] += e;
        for (auto& col : err_perm) col[i] += e;
      }
      continue;
    }
    DMatrix dtrain(gather(p, train), train.size(), p.cols);
    std::vector<float> y;
    for (auto i : train) y.push_back(static_cast<float>(p.rows[i]->value));
    dtrain.labels(y);
    Booster booster(dtrain, tree_params(o, 0, true), o.rounds);
    const std::vector<float> xt = gather(p, test);
    const auto base = booster.predict(DMatrix(xt, test.size(), p.cols));
    std::vector<double> e(test.size());
    for (std::size_t k = 0; k < test.size(); ++k) {
      e[k] = std::abs(base[k] - p.rows[test[k]]->value) * w;
      err_trees[test[k]] += e[k];
    }
    for (std::size_t c = 0; c < p.cols; ++c) {
      if (!column_varies(xt, test.size(), p.cols, c)) {
        for (std::size_t k = 0; k < test.size(); ++k) err_perm[c][test[k]] += e[k];
        continue;
      }
      std::vector<float> xp = xt;
      permute_column(xp, test.size(), p.cols, c, Rng::item_seed(o.seed ^ 0x5eedULL, n_fold * 100003 + c));
      const auto pred = booster.predict(DMatrix(xp, test.size(), p.cols));
      for (std::size_t k = 0; k < test.size(); ++k) err_perm[c][test[k]] += std::abs(pred[k] - p.rows[test[k]]->value) * w;
    }
  }
  auto cell = [&](const std::vector<std::size_t>& idx) {
    RegressionCell c;
    c.records = idx.size();
    for (auto i : idx) {
      c.mae_trees += err_trees[i];
      c.mae_type_mean += err_mean[i];
    }
    if (!idx.empty()) {
      c.mae_trees /= static_cast<double>(idx.size());
      c.mae_type_mean /= static_cast<double>(idx.size());
    }
    return c;
  };
  auto constants = [&](const std::vector<std::size_t>& idx) {
    std::map<std::string, std::size_t> counts;
    std::map<std::string, std::size_t> first;
    for (auto i : idx) {
      ++counts[p.rows[i]->answer];
      first.try_emplace(p.rows[i]->answer, i);
    }
    std::vector<ConstantShare> list;
    for (const auto& [a, c] : counts) list.push_back({a, c});
    std::stable_sort(list.begin(), list.end(), [&](const ConstantShare& a, const ConstantShare& b) {
      return a.records != b.records ? a.records > b.records : first.at(a.answer) < first.at(b.answer);
    });
    if (list.size() > 3) list.resize(3);
    return list;
  };
  out.all = cell(all);
  out.constants["all"] = constants(all);
  if (p.groups.size() > 1 || (p.groups.size() == 1 && p.groups[0] != "(none)")) {
    for (std::size_t g = 0; g < p.groups.size(); ++g) {
      const auto idx = group_of(p, g);
      out.by_group[p.groups[g]] = cell(idx);
      out.constants[p.groups[g]] = constants(idx);
    }
  }
  std::vector<std::pair<double, std::size_t>> rises;
  for (std::size_t c = 0; c < p.cols; ++c) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += err_perm[c][i] - err_trees[i];
    s /= static_cast<double>(std::max<std::size_t>(n, 1));
    if (s > 0) rises.emplace_back(s, c);
  }
  std::stable_sort(rises.begin(), rises.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [s, c] : rises) {
    if (out.top.size() >= o.top_features) break;
    out.top.push_back({p.column_names[c], s, {}});
  }
  return out;
}

}  // namespace

LearnedShortcuts learned_shortcuts(const std::vector<LearnerRecord>& records, const LearnerOptions& options) {
  if (options.folds < 2) throw UsageError(fmt::format("learners: folds must be at least 2, got {}", options.folds));
  if (options.repeats < 1 || options.repeats > 100) {
    throw UsageError(fmt::format("learners: cross-validation repeats must be 1 to 100, got {}", options.repeats));
  }
  LearnedShortcuts s;
  s.enabled = options.enabled;
  s.folds = options.folds;
  s.repeats = options.repeats;
  s.explain_margin = options.explain_margin;
  if (!options.enabled) return s;
  set_up_libraries();
  std::vector<const LearnerRecord*> yes_no;
  std::vector<const LearnerRecord*> numeric;
  std::set<std::string> groups;
  for (const auto& r : records) {
    if (r.numeric) {
      if (!std::isnan(r.value)) numeric.push_back(&r);
    } else {
      yes_no.push_back(&r);
    }
    groups.insert(r.group);
  }
  s.groups.assign(groups.begin(), groups.end());
  std::sort(s.groups.begin(), s.groups.end(), natural_less);
  s.yes_no_records = yes_no.size();
  if (yes_no.size() >= options.folds) {
    const Population p = population(yes_no, options, true);
    const Ngrams n = ngrams(p, options);
    s.vocabulary = n.names.size();
    s.tree_columns = p.cols;
    s.classifiers.push_back(run_linear(p, n, options));
    s.classifiers.push_back(run_trees(p, options));
  }
  if (numeric.size() >= options.folds) {
    const Population p = population(numeric, options, false);
    s.numeric = run_numeric(p, options);
  }
  return s;
}

// ---- reports ------------------------------------------------------------------------------------

namespace {

std::string pct(double r) { return fmt::format("{:.1f}%", 100.0 * r); }

std::string score_cell(const Accuracy& s) {
  if (s.total == 0) return "-";
  if (s.repeats > 1) return fmt::format("{:.1f}/{} {}", s.mean_correct(), s.records(), pct(s.rate()));
  return fmt::format("{}/{} {}", s.correct, s.total, pct(s.rate()));
}

std::string ci_cell(const Accuracy& s) {
  if (s.total == 0) return "";
  const auto [low, high] = s.wilson95();
  return fmt::format("[{:.1f}, {:.1f}]", 100.0 * low, 100.0 * high);
}

std::string importance_text(const FeatureImportance& f, bool weight) {
  if (weight) return fmt::format("\"{}\" {:.2f} -> {}", f.feature, f.value, f.label);
  return fmt::format("{} {:.1f}", f.feature, 100.0 * f.value);
}

ordered_json json_of(const Accuracy& s) {
  ordered_json j;
  if (s.repeats > 1) {
    j["correct"] = s.mean_correct();  // the mean over the repetitions
  } else {
    j["correct"] = s.correct;
  }
  j["total"] = s.records();
  j["accuracy"] = s.rate();
  const auto [low, high] = s.wilson95();
  j["ci95"] = {low, high};
  return j;
}

ordered_json json_of(const std::vector<FeatureImportance>& list, bool weight) {
  ordered_json a = ordered_json::array();
  for (const auto& f : list) {
    ordered_json e;
    e["feature"] = f.feature;
    e[weight ? "weight" : "accuracy_drop"] = f.value;
    if (weight) e["towards"] = f.label;
    a.push_back(std::move(e));
  }
  return a;
}

ordered_json json_of(const LearnerCell& c, bool weight) {
  ordered_json j;
  j["pooled"] = json_of(c.pooled);
  if (c.per_type.total > 0) j["per_type"] = json_of(c.per_type);
  j["best"] = c.per_type.correct > c.pooled.correct ? "per_type" : "pooled";
  if (!c.pooled_top.empty()) j["pooled_top"] = json_of(c.pooled_top, weight);
  if (!c.per_type_top.empty()) j["per_type_top"] = json_of(c.per_type_top, weight);
  return j;
}

}  // namespace

std::string to_text(const LearnedShortcuts& s) {
  if (!s.enabled) return {};
  std::string out;
  if (!s.classifiers.empty()) {
    out += fmt::format(
        "\nLearned shortcuts on the {} yes/no records ({}-fold cross-validation: the i-th record of a type is in fold i "
        "mod {}, records sharing a structure or a text up to the names counted once{}; pooled = one model for all types, "
        "per-type = one model per type; 95% Wilson intervals)\n",
        s.yes_no_records, s.folds, s.folds,
        s.repeats > 1 ? fmt::format(", repeated {} times with each type's records in other seeded orders: mean correct "
                                    "of a repetition",
                                    s.repeats)
                      : std::string{});
    std::vector<std::vector<std::string>> rows{{"learner", "type", "pooled", "95% CI", "per-type", "95% CI", "best"}};
    for (const auto& l : s.classifiers) {
      rows.push_back({l.name, "all", score_cell(l.all.pooled), ci_cell(l.all.pooled), "-", "", pct(l.all.best().rate())});
      for (const auto& [g, c] : l.by_group) {
        rows.push_back({"", g, score_cell(c.pooled), ci_cell(c.pooled), score_cell(c.per_type), ci_cell(c.per_type),
                        pct(c.best().rate())});
      }
    }
    out += aligned_table(rows, "llrlrlr");
    bool header = false;
    for (const auto& l : s.classifiers) {
      const bool weight = l.name == "linear";
      auto line = [&](const std::string& cell, const char* model, const std::vector<FeatureImportance>& top) {
        if (top.empty()) return;
        if (!header) {
          out += fmt::format("  top features of the cells more than {:g} points above their most common answer's share ({}trees: "
                             "accuracy drop in points when the column is permuted in the held-out fold)\n",
                             100.0 * s.explain_margin,
                             weight ? "linear: the n-gram's weight -> the answer it pushes towards; " : "");
          header = true;
        }
        std::vector<std::string> parts;
        for (const auto& f : top) parts.push_back(importance_text(f, weight));
        out += fmt::format("    {} {} ({}): {}\n", l.name, cell, model, fmt::join(parts, ", "));
      };
      line("all", "pooled", l.all.pooled_top);
      for (const auto& [g, c] : l.by_group) {
        line(g, "pooled", c.pooled_top);
        line(g, "per-type", c.per_type_top);
      }
    }
    for (const auto& l : s.classifiers) out += fmt::format("  {}: {}\n", l.name, l.description);
  }
  if (s.numeric.records > 0) {
    const NumericLearners& n = s.numeric;
    out += fmt::format("\nLearned shortcuts on the {} numeric records (mean absolute error, {}-fold cross-validated)\n",
                       n.records, s.folds);
    std::vector<std::vector<std::string>> rows{{"type", "records", "trees MAE", "type-mean MAE", "most common answers"}};
    auto row = [&](const std::string& g, const RegressionCell& c) {
      std::vector<std::string> parts;
      if (auto it = n.constants.find(g); it != n.constants.end()) {
        for (const auto& k : it->second) {
          parts.push_back(fmt::format("{} {}", k.answer, pct(static_cast<double>(k.records) / static_cast<double>(c.records))));
        }
      }
      rows.push_back({g, std::to_string(c.records), fmt::format("{:.4f}", c.mae_trees), fmt::format("{:.4f}", c.mae_type_mean),
                      fmt::format("{}", fmt::join(parts, ", "))});
    };
    row("all", n.all);
    for (const auto& [g, c] : n.by_group) row(g, c);
    out += aligned_table(rows, "lrrrl");
    if (!n.top.empty()) {
      std::vector<std::string> parts;
      for (const auto& f : n.top) parts.push_back(fmt::format("{} +{:.4f}", f.feature, f.value));
      out += fmt::format("  top features (MAE increase when the column is permuted): {}\n", fmt::join(parts, ", "));
    }
  }
  return out;
}

ordered_json to_json(const LearnedShortcuts& s) {
  ordered_json j;
  j["enabled"] = s.enabled;
  if (!s.enabled) return j;
  j["folds"] = s.folds;
  j["repeats"] = s.repeats;
  j["explain_margin"] = s.explain_margin;
  j["yes_no_records"] = s.yes_no_records;
  j["vocabulary"] = s.vocabulary;
  j["tree_columns"] = s.tree_columns;
  ordered_json list = ordered_json::array();
  for (const auto& l : s.classifiers) {
    const bool weight = l.name == "linear";
    ordered_json e;
    e["name"] = l.name;
    e["description"] = l.description;
    e["all"] = json_of(l.all, weight);
    ordered_json by = ordered_json::object();
    for (const auto& [g, c] : l.by_group) by[g] = json_of(c, weight);
    e["by_type"] = std::move(by);
    list.push_back(std::move(e));
  }
  j["classifiers"] = std::move(list);
  ordered_json num;
  num["records"] = s.numeric.records;
  if (s.numeric.records > 0) {
    auto cell = [](const RegressionCell& c) {
      ordered_json e;
      e["records"] = c.records;
      e["mae_trees"] = c.mae_trees;
      e["mae_type_mean"] = c.mae_type_mean;
      return e;
    };
    num["all"] = cell(s.numeric.all);
    ordered_json by = ordered_json::object();
    for (const auto& [g, c] : s.numeric.by_group) by[g] = cell(c);
    num["by_type"] = std::move(by);
    ordered_json consts = ordered_json::object();
    for (const auto& [g, list2] : s.numeric.constants) {
      ordered_json a = ordered_json::array();
      for (const auto& k : list2) a.push_back({{"answer", k.answer}, {"records", k.records}});
      consts[g] = std::move(a);
    }
    num["constants"] = std::move(consts);
    ordered_json top = ordered_json::array();
    for (const auto& f : s.numeric.top) top.push_back({{"feature", f.feature}, {"mae_increase", f.value}});
    num["top"] = std::move(top);
  }
  j["numeric"] = std::move(num);
  return j;
}

}  // namespace rung
