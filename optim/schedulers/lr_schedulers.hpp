#pragma once
// Every learning-rate scheduler, composition and the scheduler registry in one include
// (docs/schedulers_and_regularization.md).
//   #include <xgrad/optim/schedulers/lr_schedulers.hpp>
//   xgrad::optim::StepLR sched(opt, xgrad::optim::StepLROptions(30));
#include "lr_anneal.hpp"
#include "lr_compose.hpp"
#include "lr_decay.hpp"
#include "lr_onecycle.hpp"
#include "lr_plateau.hpp"
#include "lr_registry.hpp"
#include "scheduler.hpp"
