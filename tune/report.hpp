#pragma once
// Seeing a study: a results table, every trial as CSV or JSON, parameter importance, and SVG
// plots (optimisation history, objective against each parameter, importance).
#include <map>
#include <string>

#include <xgrad/tune/study.hpp>

namespace xgrad::tune {

/// A text table of the trials (number, state, value, parameters), the best marked with '*';
/// at most `max_rows` rows (the best ones when there are more).
std::string results_table(const Study& study, size_t max_rows = 20);
/// Every trial as CSV: number,state,value,duration_s,<one column per parameter>,message.
void write_trials_csv(const Study& study, const std::string& path);
/// Every trial as a JSON array (trial_json.hpp's records) with the study's name and direction.
void write_trials_json(const Study& study, const std::string& path);

/// How much each parameter matters: first-order Sobol indices of a GP fitted to the Complete
/// trials (the share of the GP mean's variance over the search box explained by that
/// parameter alone), estimated by Saltelli's Monte Carlo scheme with 2048 points, normalised
/// to sum to 1. Parameters outside the shared search space are left out. Empty with fewer than
/// 3 Complete trials.
std::map<std::string, double> param_importance(const Study& study, uint64_t seed = 0);

/// Writes DIR/history.svg (value per trial and best so far), DIR/slices.svg (value against
/// each parameter) and DIR/importance.svg; creates DIR.
void write_plots(const Study& study, const std::string& dir);

}  // namespace xgrad::tune
