// Result files: one JSON object per run, tidy CSV with one row per run, atomic writes.
//
// A run record has the fields of kRunColumns (documented in README.md, "Output formats"). Step
// counts cut off by the horizon are never written as measured values: `settled` is null (empty in
// CSV) and `settled_at_least` carries the lower bound; likewise for `first_hit`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "largestep/describe.h"
#include "largestep/experiment.h"

namespace largestep {

extern const std::vector<std::string> kRunColumns;

// Where a result came from (commit, flavour, compiler, cpu): the last columns of every run record
// and of the other tidy result files. Data seeds travel in the canonical dataset spec.
extern const std::vector<std::string> kProvenanceColumns;
void add_provenance(nlohmann::json& record);

nlohmann::json run_record(const Problem& problem, const RunSpec& spec, const RunOutcome& outcome);
nlohmann::json reference_record(const Reference& reference);
nlohmann::json summary_record(const DatasetSummary& summary);

std::string csv_header(const std::vector<std::string>& columns);
// One CSV line of the given columns of a flat JSON object; null and missing become empty fields.
std::string csv_row(const nlohmann::json& record, const std::vector<std::string>& columns);

// Writes to PATH.tmp.PID then renames it over PATH, so a reader never sees a partial file.
// Throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace largestep
