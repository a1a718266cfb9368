// rung._rung: the compiled half of the `rung` Python module (issue #21). It exposes the library
// in plain values — strings (fractions as "num/den", JSON as text), numbers, lists — and the
// pure-Python package (python/rung/__init__.py) turns them into Fractions, dicts and report
// objects. One translation unit, to keep the build's cost to one heavy compile.
//
// Threads: every call that computes releases the GIL; a generation runs on a thread of its own
// and hands lines to Python a block at a time (Generation below).

#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/check/extract.hpp"
#include "rung/core/deadline.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/knobs.hpp"
#include "rung/import/cladder.hpp"
#include "rung/import/counterbench.hpp"
#include "rung/import/report.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/trace.hpp"
#include "rung/io/describe.hpp"
#include "rung/io/dot.hpp"
#include "rung/io/input_file.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/pgmpy_linear.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/query/linear_query.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace py = pybind11;

namespace {

// ---- errors ----------------------------------------------------------------------------------

/// The Python exception types, created once by the module (never freed: they live as long as
/// the interpreter).
struct ExceptionTypes {
  PyObject* error = nullptr;
  PyObject* invalid_model = nullptr;
  PyObject* parse_error = nullptr;
  PyObject* invalid_query = nullptr;
  PyObject* zero_probability = nullptr;
  PyObject* too_large = nullptr;
  PyObject* timed_out = nullptr;
  PyObject* usage_error = nullptr;
};
ExceptionTypes g_types;

PyObject* new_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("rung.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  Py_INCREF(type);
  m.add_object(name, py::handle(type));
  return type;
}

void register_exceptions(py::module_& m) {
  g_types.error = new_exception(m, "Error", PyExc_Exception,
                                "Base of rung's errors; the message is the one the rung tool prints.");
  const auto sub = [&](const char* name, const char* doc, PyObject* also = nullptr) {
    py::tuple bases = also != nullptr ? py::make_tuple(py::handle(g_types.error), py::handle(also))
                                      : py::make_tuple(py::handle(g_types.error));
    return new_exception(m, name, bases.ptr(), doc);
  };
  g_types.invalid_model = sub("InvalidModel", "A model that breaks an invariant (unknown name, cycle, bad prior, ...).");
  g_types.parse_error = sub("ParseError", "Input that could not be read; .diagnostics lists every problem found.");
  g_types.invalid_query = sub("InvalidQuery", "A query that does not fit the model or the notation.", PyExc_ValueError);
  g_types.zero_probability = sub("ZeroProbabilityEvidence", "Conditioning on evidence of probability zero.");
  g_types.too_large = sub("TooLarge", "A computation the solver's size guards refuse.");
  g_types.timed_out = sub("TimedOut", "A computation that went past its time limit (timeout=).");
  g_types.usage_error = sub("UsageError", "A bad argument (an unknown knob value, a bad option).", PyExc_ValueError);
}

void raise_parse_error(const rung::ParseError& e) {
  py::list diagnostics;
  for (const auto& d : e.diagnostics()) diagnostics.append(py::cast(d));
  py::object instance = py::handle(g_types.parse_error)(py::str(e.what()));
  instance.attr("diagnostics") = diagnostics;
  PyErr_SetObject(g_types.parse_error, instance.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const rung::ParseError& e) {
    try {
      raise_parse_error(e);
    } catch (py::error_already_set& inner) {
      inner.restore();
    }
  } catch (const rung::ZeroProbabilityEvidence& e) {
    PyErr_SetString(g_types.zero_probability, e.what());
  } catch (const rung::InvalidQuery& e) {
    PyErr_SetString(g_types.invalid_query, e.what());
  } catch (const rung::InvalidModel& e) {
    PyErr_SetString(g_types.invalid_model, e.what());
  } catch (const rung::TooLarge& e) {
    PyErr_SetString(g_types.too_large, e.what());
  } catch (const rung::TimedOut& e) {
    PyErr_SetString(g_types.timed_out, e.what());
  } catch (const rung::UsageError& e) {
    PyErr_SetString(g_types.usage_error, e.what());
  } catch (const rung::Error& e) {
    PyErr_SetString(g_types.error, e.what());
  }
}

// ---- helpers ---------------------------------------------------------------------------------

std::string dump(const rung::ordered_json& j) {
  return j.dump(-1, ' ', false, rung::ordered_json::error_handler_t::replace);
}

/// Runs `f` with the GIL released and, when `timeout` > 0, under a time limit.
template <class F>
auto compute(double timeout, F&& f) {
  py::gil_scoped_release release;
  std::optional<rung::DeadlineScope> deadline;
  if (timeout > 0) deadline.emplace(std::chrono::milliseconds(static_cast<long long>(timeout * 1000)));
  return f();
}

rung::Method method_of(const std::string& name) {
  const auto m = rung::method_from_string(name);
  if (!m) throw rung::UsageError(fmt::format("method '{}': expected ve or enumerate", name));
  return *m;
}

/// The text of a dataset given as a file (read through the reading layer, as the tool does) or
/// as text already.
struct Source {
  std::string data;  ///< path or text
  bool is_path = false;
};

std::unique_ptr<std::istream> open(const Source& s) {
  if (s.is_path) return std::make_unique<rung::InputFile>(s.data);
  return std::make_unique<std::istringstream>(s.data);
}

std::string file_label(const Source& s, const char* otherwise) {
  return s.is_path ? std::filesystem::path(s.data).filename().string() : std::string(otherwise);
}

// ---- models ----------------------------------------------------------------------------------

/// An immutable model, shared by the Python objects that hold it.
struct Model {
  std::shared_ptr<const rung::Scm> scm;

  [[nodiscard]] rung::VarId id(const std::string& name) const {
    const auto found = scm->find(name);
    if (!found) throw rung::InvalidQuery(fmt::format("unknown name '{}'", name));
    return *found;
  }
  [[nodiscard]] std::vector<std::string> names(const std::vector<rung::VarId>& ids) const {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (const auto v : ids) out.push_back(scm->name(v));
    return out;
  }
};

Model make_model(rung::Scm scm) { return Model{std::make_shared<const rung::Scm>(std::move(scm))}; }

/// What solve() returns to the Python layer: ("value", "num/den"), ("float", x),
/// ("trace", "num/den", trace JSON, trace text), ("distribution", [labels...], ["num/den"...] or
/// [x...]); each with the query as rung prints it last.
py::tuple solve(const Model& self, const std::string& text, bool floating, bool trace, const std::string& method,
                double timeout) {
  const rung::Scm& m = *self.scm;
  rung::SolverOptions options;
  options.method = method_of(method);
  options.trace = trace;
  rung::Request request;
  try {
    request = rung::parse_request(text, m);
  } catch (const rung::InvalidQuery& e) {  // worded as `rung solve -q` words it
    const std::string what = e.what();
    throw rung::InvalidQuery(what.starts_with("column ") ? "query, " + what : "query: " + what);
  }
  if (auto* query = std::get_if<rung::Query>(&request)) {
    const std::string shown = rung::to_string(*query, m);
    if (floating && !trace) {
      const double v = compute(timeout, [&] { return rung::solve_double(m, *query, options); });
      return py::make_tuple("float", v, shown);
    }
    const rung::Answer a = compute(timeout, [&] { return rung::solve(m, *query, options); });
    if (trace) {
      return py::make_tuple("trace", rung::to_string(a.value), rung::to_json(*a.trace).dump(), rung::to_text(*a.trace, m),
                            shown);
    }
    return py::make_tuple("value", rung::to_string(a.value), shown);
  }
  if (trace) throw rung::InvalidQuery(fmt::format("{}: a distribution has no trace; ask for one value", text));
  const auto& d = std::get<rung::Distribution>(request);
  std::vector<std::uint32_t> cards;
  for (const auto& t : d.targets) cards.push_back(static_cast<std::uint32_t>(m.domain(t.var).size()));
  std::size_t cells = 1;
  for (const auto c : cards) cells *= c;
  py::list labels;
  for (std::size_t cell = 0; cell < cells; ++cell) {
    std::vector<std::string> row(cards.size());
    std::size_t rest = cell;
    for (std::size_t i = cards.size(); i-- > 0;) {
      row[i] = m.domain(d.targets[i].var).label(static_cast<rung::Value>(rest % cards[i]));
      rest /= cards[i];
    }
    labels.append(py::cast(row));
  }
  py::list values;
  if (floating) {
    for (const double v : compute(timeout, [&] { return rung::solve_double(m, d, options); })) values.append(v);
  } else {
    for (const auto& v : compute(timeout, [&] { return rung::solve(m, d, options); }).values) {
      values.append(rung::to_string(v));
    }
  }
  return py::make_tuple("distribution", labels, values, rung::to_string(d, m));
}

std::string estimand_query(const Model& self, const std::string& kind, const std::string& x, const std::string& mediator,
                           const std::string& y, const std::string& treated, const std::string& control) {
  const auto k = rung::estimand_kind(kind);
  if (!k) throw rung::UsageError(fmt::format("unknown estimand '{}'", kind));
  rung::Estimand e;
  e.kind = *k;
  e.treatment = x;
  e.mediator = mediator;
  e.outcome = y;
  e.treated = treated;
  e.control = control;
  return rung::to_string(rung::make_query(e, *self.scm), *self.scm);
}

/// Whether X and Y are d-separated given Z in the model's graph (discrete or linear alike).
template <typename AnyModel>
bool dsep(const AnyModel& self, const std::vector<std::string>& x, const std::vector<std::string>& y,
          const std::vector<std::string>& z) {
  const auto ids = [&](const std::vector<std::string>& names) {
    std::vector<rung::NodeId> out;
    for (const auto& n : names) out.push_back(self.id(n));
    return out;
  };
  const auto xs = ids(x);
  const auto ys = ids(y);
  const auto zs = ids(z);
  return self.scm->dag().dsep(xs, ys, zs);
}

// ---- linear-Gaussian models ------------------------------------------------------------------

/// An immutable linear-Gaussian model (issue #20), and the name it was read under: the tool's
/// messages for what does not apply to it name the file.
struct LinearModel {
  std::shared_ptr<const rung::LinearScm> scm;
  std::string file;

  [[nodiscard]] rung::VarId id(const std::string& name) const {
    const auto found = scm->find(name);
    if (!found) throw rung::InvalidQuery(fmt::format("unknown name '{}'", name));
    return *found;
  }
  [[nodiscard]] std::vector<std::string> names(const std::vector<rung::VarId>& ids) const {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (const auto v : ids) out.push_back(scm->name(v));
    return out;
  }
  /// The tool's refusal (`rung solve --pn` on a linear model), for `what`.
  [[noreturn]] void refuse(std::string_view what) const {
    throw rung::Error(fmt::format("{}: this is a linear-Gaussian model (Normal exogenous variables); {} works on discrete "
                                  "models only",
                                  file.empty() ? std::string("model") : file, what));
  }
};

LinearModel make_linear(rung::LinearScm scm, std::string file) {
  return LinearModel{std::make_shared<const rung::LinearScm>(std::move(scm)), std::move(file)};
}

/// Model.load: a discrete or a linear model, by what the file holds (as `rung solve` decides).
std::variant<Model, LinearModel> load_model(const std::string& path, bool normalize_cpts) {
  return compute(0, [&]() -> std::variant<Model, LinearModel> {
    const std::filesystem::path p(path);
    const std::string ext = p.extension() == ".gz" ? p.stem().extension().string() : p.extension().string();
    const bool network = ext == ".bif" || ext == ".uai" || ext == ".xmlbif" || ext == ".xml";
    if (!network && rung::is_linear_model_file(path)) return make_linear(rung::read_linear_model_file(path), path);
    rung::ModelReadOptions options;
    options.normalize_cpts = normalize_cpts;
    return make_model(rung::read_model_file(path, options));
  });
}

std::variant<Model, LinearModel> model_from_text(const std::string& text, const std::string& file) {
  if (rung::is_linear_scm_text(text)) return make_linear(rung::read_linear_text(text, file), file);
  return make_model(rung::read_scm_text(text, file));
}

std::variant<Model, LinearModel> model_from_json(const std::string& text, const std::string& file) {
  if (text.find("\"kind\"") != std::string::npos || text.find("\"cpds\"") != std::string::npos) {
    try {
      const auto doc = nlohmann::json::parse(text);
      if (rung::is_pgmpy_linear_json(doc)) return make_linear(rung::read_pgmpy_linear_json(text, file), file);
      if (rung::is_linear_json(doc)) return make_linear(rung::read_linear_json(text, file), file);
    } catch (const nlohmann::json::exception&) {
      // not JSON: the discrete reader reports the syntax error with its position
    }
  }
  return make_model(rung::read_scm_json(text, file));
}

rung::LinearQuery parse_linear(const std::string& text, const rung::LinearScm& m) {
  try {
    return rung::parse_linear_query(text, m);
  } catch (const rung::InvalidQuery& e) {  // worded as `rung solve -q` words it
    const std::string what = e.what();
    throw rung::InvalidQuery(what.starts_with("column ") ? "query, " + what : "query: " + what);
  }
}

/// What solve() returns for a linear query: ("value", "num/den", shown), ("float", x, shown)
/// (float=True, or a probability of a term with positive variance: not a rational number), or
/// ("trace", "num/den" or x, trace JSON, trace text, shown) where the JSON is
/// {"steps": <rung solve --trace --json's trace>, "parts": [{quantity, abduction, action, prediction}]}.
py::tuple solve_linear(const LinearModel& self, const std::string& text, bool floating, bool trace,
                       const std::string& method) {
  const rung::LinearScm& m = *self.scm;
  rung::LinearSolverOptions options;
  if (method == "abduction") {
    options.method = rung::LinearMethod::abduction;
  } else if (method == "parallel-worlds" || method == "worlds") {
    options.method = rung::LinearMethod::parallel_worlds;
  } else {
    throw rung::UsageError(fmt::format(
        "method '{}': {} is linear-Gaussian: expected abduction or parallel-worlds (ve and enumerate are for discrete models)",
        method, self.file.empty() ? std::string("the model") : self.file));
  }
  const rung::LinearQuery q = parse_linear(text, m);
  const std::string shown = rung::to_string(q, m);
  if (floating && !trace) {
    const double v = compute(0, [&] { return rung::solve_double(m, q, options); });
    return py::make_tuple("float", v, shown);
  }
  if (trace && options.method != rung::LinearMethod::abduction) {
    throw rung::UsageError("solve: trace=True shows the steps of abduction, action and prediction: use it with "
                           "method='abduction'");
  }
  options.trace = trace;
  const rung::LinearAnswer a = compute(0, [&] { return rung::solve(m, q, options); });
  py::object value = a.exact ? py::object(py::str(rung::to_string(a.value))) : py::object(py::float_(a.approximate));
  if (!trace) return py::make_tuple(a.exact ? "value" : "float", value, shown);
  // The abduction method records three steps a part (abduction, action, prediction), then the answer.
  rung::ordered_json data;
  data["steps"] = rung::to_json(*a.trace);
  rung::ordered_json parts = rung::ordered_json::array();
  for (std::size_t i = 0; i < q.parts.size(); ++i) {
    rung::ordered_json part;
    part["quantity"] = rung::to_string(q.parts[i].quantity, m);
    part["sign"] = q.parts[i].sign;
    const char* names[] = {"abduction", "action", "prediction"};
    for (std::size_t k = 0; k < 3; ++k) {
      const std::size_t at = 3 * i + k;
      part[names[k]] = at < a.trace->steps.size() ? a.trace->steps[at].lines : std::vector<std::string>{};
    }
    parts.push_back(std::move(part));
  }
  data["parts"] = std::move(parts);
  return py::make_tuple("trace", value, dump(data), rung::to_text(*a.trace), shown);
}

std::string linear_estimand_query(const LinearModel& self, const std::string& kind, const std::string& x,
                                  const std::string& mediator, const std::string& y, const std::string& treated,
                                  const std::string& control) {
  if (kind == "pn" || kind == "ps" || kind == "pns") {
    self.refuse(fmt::format("{} (a probability of causation of a binary outcome)", kind));
  }
  if (kind != "ate" && kind != "ett" && kind != "nde" && kind != "nie") {
    throw rung::UsageError(fmt::format("unknown estimand '{}'", kind));
  }
  const auto number = [](const std::string& text, const char* what) {
    const auto v = rung::parse_linear_number(text);
    if (!v) throw rung::UsageError(fmt::format("{} {}: expected a number such as 1, -1/2 or 0.5", what, text));
    return *v;
  };
  const rung::LinearQuery q = rung::make_linear_estimand(kind, x, mediator, y, number(treated, "treated"),
                                                         number(control, "control"), *self.scm);
  return rung::to_string(q, *self.scm);
}

// ---- generation ------------------------------------------------------------------------------

/// Thrown inside the generating thread when Python stops iterating.
struct Cancelled {};

/// A generation in progress: Generator::write (the very code of `rung generate`) runs on a
/// thread of its own into a buffer; after each block (256 items a thread) its lines move to a
/// queue that __next__ empties. The writer waits while a block's worth of lines is unread, so
/// memory stays at about two blocks however long the run.
class Generation {
 public:
  Generation(const rung::GeneratorKnobs& knobs, unsigned threads, const std::string& shard)
      : generator_(knobs.options()) {
    const auto [i, n] = rung::parse_shard(shard);
    run_.threads = std::max(1U, threads);
    run_.shard = i;
    run_.shards = n;
    run_.progress = [this](std::uint64_t, std::uint64_t) { hand_over(); };
    const std::uint64_t total = generator_.options().count;
    limit_ = static_cast<std::size_t>(std::min<std::uint64_t>(total + 1, 256ULL * run_.threads));
    worker_ = std::thread([this] { work(); });
  }
  ~Generation() { close(); }
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  /// The next line (without its newline), or nullopt at the end. Waits with the GIL released,
  /// checking for KeyboardInterrupt ten times a second.
  std::optional<std::string> next() {
    for (;;) {
      {
        py::gil_scoped_release release;
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::milliseconds(100), [this] { return !lines_.empty() || done_ || cancelled_; });
        if (cancelled_) return std::nullopt;  // closed: what was made and not read is dropped
        if (!lines_.empty()) {
          std::string line = std::move(lines_.front());
          lines_.pop_front();
          changed_.notify_all();
          return line;
        }
        if (done_) {
          if (failure_) {
            auto failure = std::exchange(failure_, nullptr);
            std::rethrow_exception(failure);
          }
          return std::nullopt;
        }
      }
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
  }

  /// Stops the generating thread (at its next block) and waits for it.
  void close() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) {
      py::gil_scoped_release release;
      worker_.join();
    }
  }

 private:
  void work() {
    try {
      generator_.write(buffer_, run_);
    } catch (const Cancelled&) {
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  /// Called by the writer after each block: moves the block's lines to the queue, then waits
  /// until the reader has taken them (or stopped).
  void hand_over() {
    std::string text = std::move(buffer_).str();
    buffer_.str({});
    std::unique_lock lock(mutex_);
    std::size_t from = 0;
    while (from < text.size()) {
      const std::size_t end = text.find('\n', from);
      lines_.push_back(text.substr(from, end - from));
      from = end + 1;
    }
    changed_.notify_all();
    changed_.wait(lock, [this] { return cancelled_ || lines_.size() < limit_; });
    if (cancelled_) throw Cancelled{};
  }

  rung::Generator generator_;
  rung::RunOptions run_;
  std::ostringstream buffer_;  // written by the worker only
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> lines_;
  std::size_t limit_ = 256;
  bool done_ = false;
  bool cancelled_ = false;
  std::exception_ptr failure_;
  std::thread worker_;
};

/// Knobs from keyword arguments, named as the tool's options with '_' for '-'. Unknown names and
/// wrong types raise TypeError naming the knob.
rung::GeneratorKnobs knobs_of(const py::dict& given) {
  rung::GeneratorKnobs k;
  const auto whole = [](const py::handle& v, const std::string& key) {
    if (py::isinstance<py::bool_>(v) || !py::isinstance<py::int_>(v)) {
      throw py::type_error(fmt::format("{}: expected a whole number, got {}", key, std::string(py::repr(v))));
    }
    return v.cast<long long>();
  };
  const auto text = [](const py::handle& v, const std::string& key) {
    if (!py::isinstance<py::str>(v)) throw py::type_error(fmt::format("{}: expected a string", key));
    return v.cast<std::string>();
  };
  const auto list = [&](const py::handle& v, const std::string& key) {
    std::vector<std::string> out;
    if (py::isinstance<py::str>(v)) {
      std::string s = v.cast<std::string>();
      std::size_t from = 0;
      for (;;) {
        const auto comma = s.find(',', from);
        out.push_back(s.substr(from, comma - from));
        if (comma == std::string::npos) break;
        from = comma + 1;
      }
      return out;
    }
    for (const auto& item : v) out.push_back(text(item, key));
    return out;
  };
  const auto flag = [](const py::handle& v, const std::string& key) {
    if (!py::isinstance<py::bool_>(v)) throw py::type_error(fmt::format("{}: expected True or False", key));
    return v.cast<bool>();
  };
  const auto count = [&](const py::handle& v, const std::string& key) {
    const long long n = whole(v, key);
    if (n < 0) throw rung::UsageError(fmt::format("{} {}: expected a whole number >= 0", key, n));
    return static_cast<std::uint64_t>(n);
  };
  const auto small = [&](const py::handle& v, const std::string& key) {
    const long long n = whole(v, key);
    if (n < -1'000'000 || n > 1'000'000) throw rung::UsageError(fmt::format("{} {}: out of range", key, n));
    return static_cast<int>(n);
  };
  for (const auto& [key_handle, v] : given) {
    const std::string key = key_handle.cast<std::string>();
    if (v.is_none()) continue;  // None: the preset's value
    if (key == "preset") k.preset = text(v, key);
    else if (key == "n" || key == "count") k.count = count(v, key);
    else if (key == "seed") k.seed = count(v, key);
    else if (key == "difficulty") k.difficulty = small(v, key);
    else if (key == "min_variables") k.min_variables = small(v, key);
    else if (key == "max_variables") k.max_variables = small(v, key);
    else if (key == "max_in_degree") k.max_in_degree = small(v, key);
    else if (key == "min_path_length") k.min_path_length = small(v, key);
    else if (key == "interventions") k.interventions = small(v, key);
    else if (key == "evidence_count") k.evidence_count = small(v, key);
    else if (key == "nesting_depth") k.nesting_depth = small(v, key);
    else if (key == "domain_size") k.domain_size = small(v, key);
    else if (key == "name_variants") k.name_variants = small(v, key);
    else if (key == "name_style") k.name_style = text(v, key);
    else if (key == "given") k.given = text(v, key);
    else if (key == "undetermined_share") k.undetermined_share = py::str(v).cast<std::string>();
    else if (key == "splits") {
      if (py::isinstance<py::dict>(v)) {  // {"train": 800, "test": 200}, in the dict's order
        std::vector<std::string> parts;
        for (const auto& [name, n] : v.cast<py::dict>()) parts.push_back(fmt::format("{}={}", name.cast<std::string>(), count(n, key)));
        k.splits = fmt::format("{}", fmt::join(parts, ","));
      } else {
        k.splits = text(v, key);
      }
    }
    else if (key == "types") k.types = list(v, key);
    else if (key == "mechanisms") k.mechanisms = list(v, key);
    else if (key == "deterministic") k.deterministic = flag(v, key);
    else if (key == "noisy") k.noisy = flag(v, key);
    else throw py::type_error(fmt::format("generate() got an unknown knob '{}'", key));
  }
  if (k.difficulty < 1 || k.difficulty > 5) {
    throw rung::UsageError(fmt::format("difficulty {}: expected a level from 1 to 5", k.difficulty));
  }
  return k;
}

// ---- checking, auditing, importing -------------------------------------------------------------

/// (report as JSON text, report as the tool's text)
py::tuple check(const Source& dataset, const Source& responses, const std::string& tolerance, std::size_t max_listed) {
  const auto t = rung::try_parse_rational(tolerance);
  if (!t || *t < 0) throw rung::UsageError(fmt::format(
        "--tolerance {}: expected a non-negative decimal or fraction such as 0.005 or 1/200", tolerance));
  rung::CheckOptions options;
  options.tolerance = *t;
  options.max_listed = max_listed;
  options.dataset_file = file_label(dataset, "dataset");
  options.responses_file = file_label(responses, "responses");
  std::pair<std::string, std::string> out = compute(0, [&] {
    auto d = open(dataset);
    auto r = open(responses);
    const rung::CheckReport report = rung::check_responses(*d, *r, options);
    return std::pair{dump(rung::to_json(report)), rung::to_text(report)};
  });
  return py::make_tuple(out.first, out.second);
}

py::tuple extract(const std::string& response, const std::string& kind) {
  rung::AnswerKind k = rung::AnswerKind::yes_no;
  if (kind == "numeric") k = rung::AnswerKind::numeric;
  else if (kind == "interval") k = rung::AnswerKind::interval;
  else if (kind != "yes_no") throw rung::UsageError(fmt::format("kind '{}': expected yes_no, numeric or interval", kind));
  const rung::ExtractedAnswer a = rung::extract_answer(response, k);
  const auto fraction = [](const std::optional<rung::Rational>& v) -> py::object {
    return v ? py::object(py::str(rung::to_string(*v))) : py::object(py::none());
  };
  return py::make_tuple(std::string(rung::to_string(a.commitment)), std::string(rung::to_string(a.strength)),
                        fraction(a.value), fraction(a.upper), a.approximate, a.evidence, a.answered());
}

py::tuple audit(const std::vector<Source>& datasets, bool verify, bool learners, unsigned folds, unsigned cv_repeats,
                unsigned chance_shuffles, unsigned threads, std::size_t max_listed) {
  if (datasets.empty()) throw rung::UsageError("audit: no dataset given");
  rung::AuditOptions options;
  options.verify = verify;
  options.threads = std::max(1U, threads);
  options.max_listed = max_listed;
  options.learners.enabled = learners;
  options.learners.folds = folds;
  options.learners.repeats = cv_repeats;
  options.chance_shuffles = chance_shuffles;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    // Records given as text in a multi-file audit are "dataset1", "dataset2", ...: their splits.
    names.push_back(file_label(datasets[i], datasets.size() > 1 ? fmt::format("dataset{}", i + 1).c_str() : "dataset"));
  }
  options.file = fmt::format("{}", fmt::join(names, ", "));
  std::pair<std::string, std::string> out = compute(0, [&] {
    std::vector<std::unique_ptr<std::istream>> streams;
    std::vector<rung::AuditInput> inputs;
    for (std::size_t i = 0; i < datasets.size(); ++i) {
      streams.push_back(open(datasets[i]));
      inputs.push_back({streams.back().get(), names[i]});
    }
    const rung::AuditReport report = rung::audit_datasets(inputs, options);
    return std::pair{dump(rung::to_json(report)), rung::to_text(report)};
  });
  return py::make_tuple(out.first, out.second);
}

/// (report JSON, report text, records as JSONL)
py::tuple imported(const rung::ImportResult& result) {
  std::string records;
  for (const auto& r : result.records) records += r.dump() + '\n';
  return py::make_tuple(dump(rung::to_json(result.report)), rung::to_text(result.report), records);
}

py::tuple import_counterbench(const Source& file, double tolerance, bool cross_check) {
  rung::CounterbenchImportOptions options;
  options.file = file_label(file, "counterbench");
  options.tolerance = tolerance;
  options.cross_check = cross_check;
  rung::ImportResult result = compute(0, [&] {
    auto in = open(file);
    return rung::import_counterbench(*in, options);
  });
  return imported(result);
}

py::tuple import_cladder(const Source& file, const std::optional<Source>& models, double tolerance, bool cross_check) {
  rung::CladderImportOptions options;
  options.file = file_label(file, "cladder");
  options.tolerance = tolerance;
  options.cross_check = cross_check;
  if (models) options.models_file = file_label(*models, "models");
  rung::ImportResult result = compute(0, [&] {
    auto in = open(file);
    if (!models) return rung::import_cladder(*in, nullptr, options);
    auto m = open(*models);
    return rung::import_cladder(*in, m.get(), options);
  });
  return imported(result);
}

}  // namespace

PYBIND11_MODULE(_rung, m) {
  m.doc() = "The compiled half of the rung module; use `import rung`.";
  register_exceptions(m);
  py::register_exception_translator(translate);

  py::class_<rung::Diagnostic>(m, "Diagnostic", "One located problem in an input: file, line, column, message.")
      .def_readonly("file", &rung::Diagnostic::file, "The file's name as given ('' for a text)")
      .def_readonly("line", &rung::Diagnostic::line, "1-based line (0 when unknown)")
      .def_readonly("column", &rung::Diagnostic::column, "1-based column (0 when unknown)")
      .def_readonly("message", &rung::Diagnostic::message, "What is wrong")
      .def("__str__", &rung::Diagnostic::to_string, "FILE:LINE:COL: error: MESSAGE, as the rung tool prints it")
      .def("__repr__", [](const rung::Diagnostic& d) -> std::string {
        return fmt::format("Diagnostic(file={}, line={}, column={}, message={})", std::string(py::repr(py::str(d.file))),
                           d.line, d.column, std::string(py::repr(py::str(d.message))));
      })
      .def("__eq__", [](const rung::Diagnostic& a, const rung::Diagnostic& b) { return a == b; });

  py::class_<Source>(m, "_Source")
      .def(py::init([](std::string data, bool is_path) { return Source{std::move(data), is_path}; }), py::arg("data"),
           py::arg("is_path"));

  py::class_<Model>(m, "Model", "A structural causal model (immutable).")
      .def_static(
          "load",
          [](const std::string& path, bool normalize_cpts) {
            rung::ModelReadOptions options;
            options.normalize_cpts = normalize_cpts;
            return make_model(compute(0, [&] { return rung::read_model_file(path, options); }));
          },
          py::arg("path"), py::arg("normalize_cpts") = false, "Reads a model file (.scm, .json, .bif, .uai, .xml(bif), .gz).")
      .def_static(
          "from_text", [](const std::string& text, const std::string& file) { return make_model(rung::read_scm_text(text, file)); },
          py::arg("text"), py::arg("file") = "", "Reads .scm text.")
      .def_static(
          "from_json", [](const std::string& text, const std::string& file) { return make_model(rung::read_scm_json(text, file)); },
          py::arg("text"), py::arg("file") = "", "Reads the JSON form.")
      .def("to_text", [](const Model& s) { return rung::write_scm_text(*s.scm); }, "The canonical .scm text.")
      .def("to_json", [](const Model& s) { return rung::write_scm_json(*s.scm); }, "The JSON form, as text.")
      .def("describe", [](const Model& s) { return rung::describe(*s.scm); }, "What `rung show` prints.")
      .def("dot", [](const Model& s) { return rung::to_dot(*s.scm); }, "Graphviz DOT of the causal graph.")
      .def("endogenous", [](const Model& s) { return s.names(s.scm->endogenous()); }, "Endogenous names, by id.")
      .def("exogenous", [](const Model& s) { return s.names(s.scm->exogenous()); }, "Exogenous names, by id.")
      .def("hidden", [](const Model& s) { return s.names(s.scm->hidden()); }, "Hidden names, by id.")
      .def(
          "domain",
          [](const Model& s, const std::string& v) {
            const auto& d = s.scm->domain(s.id(v));
            std::vector<std::string> labels;
            for (std::size_t i = 0; i < d.size(); ++i) labels.push_back(d.label(static_cast<rung::Value>(i)));
            return labels;
          },
          py::arg("variable"), "The labels of a variable's values.")
      .def(
          "prior",
          [](const Model& s, const std::string& v) {
            std::vector<std::string> out;
            for (const auto& p : s.scm->prior(s.id(v))) out.push_back(rung::to_string(p));
            return out;
          },
          py::arg("variable"), "An exogenous variable's prior, as fractions.")
      .def("parents", [](const Model& s, const std::string& v) { return s.names(s.scm->dag().parents(s.id(v))); },
           py::arg("variable"), "Parents of a variable (endogenous and exogenous), by id.")
      .def("dsep", &dsep<Model>, py::arg("x"), py::arg("y"), py::arg("z"),
           "Whether X and Y are d-separated by Z in the model's graph (exogenous nodes included).")
      .def("solve", &solve, py::arg("query"), py::arg("floating"), py::arg("trace"), py::arg("method"), py::arg("timeout"),
           "Answers a query or a distribution (see rung.Model.solve).")
      .def("estimand_query", &estimand_query, py::arg("kind"), py::arg("x"), py::arg("mediator"), py::arg("y"),
           py::arg("treated"), py::arg("control"), "The query a named estimand expands to, as text.")
      .def("__eq__", [](const Model& a, const Model& b) { return rung::write_scm_json(*a.scm) == rung::write_scm_json(*b.scm); });

  py::class_<LinearModel>(m, "LinearModel", "A linear-Gaussian structural causal model (immutable).")
      .def("to_text", [](const LinearModel& s) { return rung::write_linear_text(*s.scm); }, "The canonical .scm text.")
      .def("to_json", [](const LinearModel& s) { return rung::write_linear_json(*s.scm); }, "The JSON form, as text.")
      .def("describe", [](const LinearModel& s) { return rung::describe(*s.scm); }, "What `rung show` prints.")
      .def("dot", [](const LinearModel& s) { return rung::to_dot(*s.scm); }, "Graphviz DOT of the causal graph.")
      .def("endogenous", [](const LinearModel& s) { return s.names(s.scm->endogenous()); }, "Endogenous names, by id.")
      .def("exogenous", [](const LinearModel& s) { return s.names(s.scm->exogenous()); }, "Exogenous names, by id.")
      .def("hidden", [](const LinearModel&) { return std::vector<std::string>{}; }, "None: linear models hide nothing.")
      .def("domain", [](const LinearModel& s, const std::string&) -> std::vector<std::string> { s.refuse("domain()"); },
           py::arg("variable"), "Refused: linear variables are real-valued.")
      .def(
          "normal",
          [](const LinearModel& s, const std::string& v) {
            const rung::VarId id = s.id(v);
            if (!s.scm->is_exogenous(id)) {
              throw rung::InvalidQuery(fmt::format("'{}' is endogenous: only exogenous variables have a Normal(mean, variance) of their own", v));
            }
            return py::make_tuple(rung::to_string(s.scm->variable(id).mean), rung::to_string(s.scm->variable(id).variance));
          },
          py::arg("variable"), "An exogenous variable's (mean, variance), as fractions.")
      .def("parents", [](const LinearModel& s, const std::string& v) { return s.names(s.scm->dag().parents(s.id(v))); },
           py::arg("variable"), "Parents of a variable (endogenous and exogenous), by id.")
      .def("dsep", &dsep<LinearModel>, py::arg("x"), py::arg("y"), py::arg("z"),
           "Whether X and Y are d-separated by Z in the model's graph (exogenous nodes included).")
      .def("solve", &solve_linear, py::arg("query"), py::arg("floating"), py::arg("trace"), py::arg("method"),
           "Answers a linear query (see rung.Model.solve).")
      .def("estimand_query", &linear_estimand_query, py::arg("kind"), py::arg("x"), py::arg("mediator"), py::arg("y"),
           py::arg("treated"), py::arg("control"), "The query a named estimand expands to, as text.")
      .def("refuse", [](const LinearModel& s, const std::string& what) { s.refuse(what); }, py::arg("what"),
           "Raises the tool's error for an operation that works on discrete models only.")
      .def("__eq__", [](const LinearModel& a, const LinearModel& b) {
        return rung::write_linear_json(*a.scm) == rung::write_linear_json(*b.scm);
      });

  m.def("load_model", &load_model, py::arg("path"), py::arg("normalize_cpts"),
        "Reads any model file: a Model, or a LinearModel for a linear-Gaussian one.");
  m.def("model_from_text", &model_from_text, py::arg("text"), py::arg("file"), "Reads .scm text (discrete or linear).");
  m.def("model_from_json", &model_from_json, py::arg("text"), py::arg("file"),
        "Reads a JSON model: rung's discrete or linear form, or a pgmpy LinearGaussianBayesianNetwork.");

  py::class_<Generation>(m, "Generation", "A generation in progress: iterate for the records' JSON lines.")
      .def(py::init([](const py::dict& knobs, unsigned threads, const std::string& shard) {
             auto k = knobs_of(knobs);
             return std::make_unique<Generation>(k, threads, shard);
           }),
           py::arg("knobs"), py::arg("threads"), py::arg("shard"))
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__",
           [](Generation& g) {
             auto line = g.next();
             if (!line) throw py::stop_iteration();
             return *line;
           })
      .def("close", &Generation::close, "Stops the generation.");

  m.def("check", &check, py::arg("dataset"), py::arg("responses"), py::arg("tolerance"), py::arg("max_listed"),
        "Scores responses: (report JSON, report text).");
  m.def("extract_answer", &extract, py::arg("response"), py::arg("kind"),
        "(commitment, strength, value, upper, approximate, evidence, answered)");
  m.def("audit", &audit, py::arg("datasets"), py::arg("verify"), py::arg("learners"), py::arg("folds"),
        py::arg("cv_repeats"), py::arg("chance_shuffles"), py::arg("threads"), py::arg("max_listed"), "Audits one dataset, or several together (each a split): (report JSON, report text).");
  m.def("import_counterbench", &import_counterbench, py::arg("file"), py::arg("tolerance"), py::arg("cross_check"),
        "(report JSON, report text, records JSONL)");
  m.def("import_cladder", &import_cladder, py::arg("file"), py::arg("models"), py::arg("tolerance"), py::arg("cross_check"),
        "(report JSON, report text, records JSONL)");
  m.def("preset_names", &rung::preset_names, "The generator's presets.");
}
