#pragma once
// xgrad::data: datasets, readers (IDX/MNIST, CSV), the DataLoader and feature scaling.
#include "csv.hpp"
#include "dataloader.hpp"
#include "dataset.hpp"
#include "file_io.hpp"
#include "idx.hpp"
#include "mnist.hpp"
#include "normalize.hpp"
#include "permutation.hpp"
#include "sampler.hpp"
