#pragma once
// Internal: what a Study and its Trials share.
#include <memory>
#include <mutex>

#include <xgrad/tune/pruner.hpp>
#include <xgrad/tune/sampler.hpp>
#include <xgrad/tune/storage.hpp>

namespace xgrad::tune::detail {

struct StudyCore {
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<Pruner> pruner;
  int64_t study_id = 0;
  Direction direction = Direction::Minimize;
  uint64_t seed = 0;
  std::string owner;
};

}  // namespace xgrad::tune::detail
