#pragma once
// xgrad::data: datasets, readers (IDX/MNIST, CSV), the DataLoader and feature scaling.
#include <xgrad/data/csv.hpp>
#include <xgrad/data/dataloader.hpp>
#include <xgrad/data/dataset.hpp>
#include <xgrad/data/gzip.hpp>
#include <xgrad/data/idx.hpp>
#include <xgrad/data/mnist.hpp>
#include <xgrad/data/normalize.hpp>
#include <xgrad/data/permutation.hpp>
#include <xgrad/data/sampler.hpp>
