#pragma once
// xgrad::dist: data-parallel training over MPI (see docs/distributed.md).
#include <xgrad/dist/collectives.hpp>
#include <xgrad/dist/ddp.hpp>
#include <xgrad/dist/run.hpp>
#include <xgrad/dist/world.hpp>
