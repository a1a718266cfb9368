#pragma once
/// \file
/// Reading a model from a file in either format.
///
///     rung::Scm m = rung::read_model_file("examples/firing_squad.scm");

#include "rung/io/output_file.hpp"  // write_file_atomically, for the commands that write models
#include "rung/scm/bayes_net.hpp"
#include "rung/scm/linear_scm.hpp"
#include "rung/scm/scm.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace rung {

enum class ModelFormat { scm, json, bif, uai, xmlbif };

/// By extension (a trailing `.gz` ignored): `.bif` BIF, `.uai` UAI, `.xmlbif` (and `.xml` when the
/// text starts with '<') XMLBIF, `.json` JSON, `.scm` text;
/// otherwise texts whose first non-blank character is `{` are JSON, those starting with the
/// word `network` BIF, and all else .scm text.
[[nodiscard]] ModelFormat detect_model_format(const std::filesystem::path& path, std::string_view text);

/// How a model file is read.
struct ModelReadOptions {
  /// Networks (BIF, UAI): rescale CPT rows that do not sum to 1 instead of refusing them.
  bool normalize_cpts = false;
  /// When set, receives what normalisation changed.
  CptReport* report = nullptr;
};

/// A Bayesian network file (BIF, UAI or XMLBIF, gzipped or not) as read, before any check. Throws
/// ParseError listing every syntax problem, rung::Error if the file is not a network.
[[nodiscard]] BayesNet read_network_file(const std::filesystem::path& path);

/// Reads the whole file through the reading layer (rung/io/input_file.hpp: size limit, binary
/// data, read errors). Throws rung::Error if it cannot be read, ParseError if it is not a valid
/// model (diagnostics carry the path as given).
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);
/// Any model file: .scm, JSON, or a network (BIF, UAI, XMLBIF, optionally gzip-compressed: `.gz`, or
/// recognised by its magic bytes), networks turned into their canonical SCM (bayes_net.hpp).
/// A linear-Gaussian file is refused with rung::Error `FILE: this is a linear-Gaussian model (Normal exogenous
/// variables); this works on discrete models only` (read it with read_linear_model_file).
[[nodiscard]] Scm read_model_file(const std::filesystem::path& path, const ModelReadOptions& options = {});

/// Whether a model text holds a linear-Gaussian model: .scm text declaring an exogenous variable
/// `~ Normal(...)` (linear_text.hpp), or JSON whose "kind" is "linear" (linear_json.hpp).
/// Networks are never linear. A model is either discrete or linear.
[[nodiscard]] bool is_linear_model_text(const std::filesystem::path& path, std::string_view text);
/// The same for a file (read through the reading layer; throws rung::Error if it cannot be read).
[[nodiscard]] bool is_linear_model_file(const std::filesystem::path& path);
/// A linear-Gaussian model file (.scm text or JSON). Throws ParseError listing every problem; a
/// discrete model file is refused with rung::Error `FILE: this is a discrete model; ... linear`.
[[nodiscard]] LinearScm read_linear_model_file(const std::filesystem::path& path);


}  // namespace rung
