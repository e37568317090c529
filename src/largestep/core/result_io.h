// Result files: one JSON object per run, tidy CSV with one row per run, atomic writes.
//
// A run record has the fields of kRunColumns (documented in README.md, "Output formats"). Step
// counts cut off by the horizon are never written as measured values: `settled` is null (empty in
// CSV) and `settled_at_least` carries the lower bound; likewise for `first_hit`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "largestep/core/describe.h"
#include "largestep/core/experiment.h"
#include "largestep/kernel/output.h"

namespace largestep {

extern const std::vector<std::string> kRunColumns;

// Where a result came from (commit, flavour, compiler, cpu): the last columns of every run record
// and of the other tidy result files. Data seeds travel in the canonical dataset spec.
extern const std::vector<std::string> kProvenanceColumns;
void add_provenance(nlohmann::json& record);

// A step count as two fields, the one encoding of every file and detail: measured,
// {NAME: N, NAME_at_least: null}; cut off by the horizon, {NAME: null, NAME_at_least: N} (the
// count is >= N). get_count reads them back and throws std::invalid_argument naming the fields
// when either is missing or they are not exactly one non-negative integer and one null.
void put_count(nlohmann::json& record, const std::string& name, const StepCount& count);
StepCount get_count(const nlohmann::json& record, const std::string& name);

// Traces: t,value,gap,grad_norm,w_norm, one row per observed step, numbers in their shortest
// form that reads back to the same double.
std::string trace_csv_header();
std::string trace_csv_row(const TracePoint& point);

// Reads a JSON result file; throws std::invalid_argument naming the file when it cannot be read
// or is not JSON.
nlohmann::json read_json_file(const std::string& path);

nlohmann::json run_record(const Problem& problem, const RunSpec& spec, const RunOutcome& outcome);
nlohmann::json reference_record(const Reference& reference);
nlohmann::json summary_record(const DatasetSummary& summary);

std::string csv_header(const std::vector<std::string>& columns);
// One CSV line of the given columns of a flat JSON object; null and missing become empty fields.
std::string csv_row(const nlohmann::json& record, const std::vector<std::string>& columns);

}  // namespace largestep
