#pragma once
// Every optimizer, the driver and the registry in one include.
//   #include <xgrad/optim/optimizers.hpp>
//   auto opt = xgrad::optim::make("adam", params, {{"lr", 1e-3}});
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/optimizers/adadelta.hpp>
#include <xgrad/optim/optimizers/adagrad.hpp>
#include <xgrad/optim/optimizers/adam.hpp>
#include <xgrad/optim/optimizers/adamax.hpp>
#include <xgrad/optim/optimizers/adamw.hpp>
#include <xgrad/optim/optimizers/lbfgs.hpp>
#include <xgrad/optim/optimizers/nadam.hpp>
#include <xgrad/optim/optimizers/radam.hpp>
#include <xgrad/optim/optimizers/registry.hpp>
#include <xgrad/optim/optimizers/rmsprop.hpp>
#include <xgrad/optim/optimizers/sgd.hpp>
#include <xgrad/optim/options.hpp>
