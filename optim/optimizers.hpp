#pragma once
// Every optimizer, the driver and the registry in one include.
//   #include <xgrad/optim/optimizers.hpp>
//   auto opt = xgrad::optim::make("adam", params, {{"lr", 1e-3}});
#include "adadelta.hpp"
#include "adagrad.hpp"
#include "adam.hpp"
#include "adamax.hpp"
#include "adamw.hpp"
#include "lbfgs.hpp"
#include "nadam.hpp"
#include "optimizer.hpp"
#include "options.hpp"
#include "radam.hpp"
#include "registry.hpp"
#include "rmsprop.hpp"
#include "sgd.hpp"
