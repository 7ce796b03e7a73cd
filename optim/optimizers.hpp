#pragma once
// Every optimizer, the driver and the registry in one include.
//   #include <xgrad/optim/optimizers.hpp>
//   auto opt = xgrad::optim::make("adam", params, {{"lr", 1e-3}});
#include "optimizers/adadelta.hpp"
#include "optimizers/adagrad.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/adamax.hpp"
#include "optimizers/adamw.hpp"
#include "optimizers/lbfgs.hpp"
#include "optimizers/nadam.hpp"
#include "optimizer.hpp"
#include "options.hpp"
#include "optimizers/radam.hpp"
#include "optimizers/registry.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/sgd.hpp"
