#pragma once
// Every learning-rate scheduler, composition and the scheduler registry in one include
// (docs/schedulers_and_regularization.md).
//   #include <xgrad/optim/schedulers/lr_schedulers.hpp>
//   xgrad::optim::StepLR sched(opt, xgrad::optim::StepLROptions(30));
#include <xgrad/optim/schedulers/lr_anneal.hpp>
#include <xgrad/optim/schedulers/lr_compose.hpp>
#include <xgrad/optim/schedulers/lr_decay.hpp>
#include <xgrad/optim/schedulers/lr_onecycle.hpp>
#include <xgrad/optim/schedulers/lr_plateau.hpp>
#include <xgrad/optim/schedulers/lr_registry.hpp>
#include <xgrad/optim/schedulers/scheduler.hpp>
