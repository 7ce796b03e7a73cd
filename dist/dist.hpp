#pragma once
// xgrad::dist: data-parallel training over MPI (see docs/distributed.md).
#include "collectives.hpp"
#include "ddp.hpp"
#include "run.hpp"
#include "world.hpp"
