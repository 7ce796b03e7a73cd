#pragma once
// xgrad::save / xgrad::load as libtorch's torch::save / torch::load: one spelling for a module
// (by reference or shared_ptr), an optimizer and a tensor, all safetensors files underneath.
//   xgrad::save(model, "model.safetensors");      xgrad::load(model, "model.safetensors");
//   xgrad::save(optimizer, "opt.safetensors");    xgrad::load(optimizer, "opt.safetensors");
//   xgrad::save(tensor, "t.safetensors");         xgrad::load(tensor, "t.safetensors");
//   xgrad::save(scheduler, "s.safetensors");      xgrad::load(scheduler, "s.safetensors");
// Placed in optim/ because it serves both layers below (nn/ never includes optim/).
#include <memory>
#include <string>
#include <type_traits>

#include <xgrad/core/safetensors.hpp>
#include <xgrad/nn/serialize.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad {

/// A tensor, under the name "tensor". libtorch's .pt files are not read: xgrad writes and
/// reads safetensors (which PyTorch opens with safetensors.torch.load_file).
inline void save(const Tensor& tensor, const std::string& path) {
  save_tensors({{"tensor", tensor}}, path);
}
/// Replaces `tensor` by the one saved with save(tensor, path).
inline void load(Tensor& tensor, const std::string& path) {
  auto tensors = load_tensors(path);
  auto it = tensors.find("tensor");
  if (it == tensors.end() || tensors.size() != 1)
    throw IOError("load: '" + path +
                  "' was not written by xgrad::save(tensor, path) (it needs "
                  "exactly one entry named \"tensor\"; use load_tensors for other files)");
  tensor = it->second;
}

/// A module's parameters and buffers (strict load: names and shapes must agree).
inline void save(const nn::Module& module, const std::string& path) {
  nn::save(module, path);
}
inline void load(nn::Module& module, const std::string& path) {
  nn::load(module, path, /*strict=*/true);
}
template <class M, std::enable_if_t<std::is_base_of_v<nn::Module, M>, int> = 0>
void save(const std::shared_ptr<M>& module, const std::string& path) {
  nn::save(*module, path);
}
template <class M, std::enable_if_t<std::is_base_of_v<nn::Module, M>, int> = 0>
void load(const std::shared_ptr<M>& module, const std::string& path) {
  nn::load(*module, path, /*strict=*/true);
}

/// An optimizer's state (Optimizer::save / Optimizer::load).
inline void save(const optim::Optimizer& optimizer, const std::string& path) {
  optimizer.save(path);
}
inline void load(optim::Optimizer& optimizer, const std::string& path) {
  optimizer.load(path);
}

/// A learning-rate scheduler's state (LRScheduler::save / LRScheduler::load; metadata only).
inline void save(const optim::LRScheduler& scheduler, const std::string& path) {
  scheduler.save(path);
}
inline void load(optim::LRScheduler& scheduler, const std::string& path) {
  scheduler.load(path);
}
/// The same through the pointer make_scheduler returns (or a shared_ptr).
///   Example: auto sched = make_scheduler("step", opt, {{"step_size", 10}}); xgrad::save(sched, path);
template <
    class P,
    std::enable_if_t<
        std::is_base_of_v<optim::LRScheduler, std::decay_t<decltype(*std::declval<P>())>>, int> = 0>
void save(const P& scheduler, const std::string& path) {
  scheduler->save(path);
}
template <
    class P,
    std::enable_if_t<
        std::is_base_of_v<optim::LRScheduler, std::decay_t<decltype(*std::declval<P>())>>, int> = 0>
void load(const P& scheduler, const std::string& path) {
  scheduler->load(path);
}

}  // namespace xgrad
