#pragma once
// xgrad::tune: hyperparameter search (grid, random, Bayesian optimisation with a Gaussian
// process), pruning, parallel trials, studies kept in SQLite. See docs/tune.md.
#include <xgrad/tune/distribution.hpp>
#include <xgrad/tune/frozen_trial.hpp>
#include <xgrad/tune/gp.hpp>
#include <xgrad/tune/pruner.hpp>
#include <xgrad/tune/report.hpp>
#include <xgrad/tune/sampler.hpp>
#include <xgrad/tune/storage.hpp>
#include <xgrad/tune/study.hpp>
#include <xgrad/tune/trial.hpp>
