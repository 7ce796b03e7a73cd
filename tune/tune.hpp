#pragma once
// xgrad::tune: hyperparameter search (grid, random, Bayesian optimisation with a Gaussian
// process), pruning, parallel trials, studies kept in SQLite. See docs/tune.md.
#include "distribution.hpp"
#include "frozen_trial.hpp"
#include "gp.hpp"
#include "pruner.hpp"
#include "report.hpp"
#include "sampler.hpp"
#include "storage.hpp"
#include "study.hpp"
#include "trial.hpp"
