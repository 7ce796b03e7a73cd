#include <xgrad/core/saved_tensor.hpp>

#include <fmt/format.h>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/node.hpp>

namespace xgrad {

SavedTensor::SavedTensor(const Tensor& t) {
  if (!t.defined()) return;
  defined_ = true;
  const TensorImpl& impl = *t.impl();
  storage_ = impl.storage;
  shape_ = impl.shape;
  strides_ = impl.strides;
  storage_offset_ = impl.storage_offset;
  dtype_ = impl.dtype;
  version_ = impl.storage->version.load();
  requires_grad_ = impl.requires_grad;
  if (impl.grad_fn) {
    grad_fn_ = impl.grad_fn;
    output_nr_ = impl.output_nr;
  } else if (impl.requires_grad) {
    leaf_ = t.impl_ptr();
  }
}

Tensor SavedTensor::unpack(const char* op) const {
  if (!defined_) return Tensor();
  const uint64_t now = storage_->version.load();
  if (now != version_) {
    throw AutogradError(fmt::format(
        "{}: a tensor of shape {} saved for backward was modified in place afterwards (version "
        "{} when saved, {} now); the gradient would be wrong. Clone it before changing it in "
        "place, or change it after backward",
        op, shape_str(shape_), version_, now));
  }
  if (leaf_) return Tensor(leaf_);
  auto impl = std::make_shared<TensorImpl>(storage_, Shape{}, dtype_);
  impl->set_layout(shape_, strides_, storage_offset_);
  impl->requires_grad = requires_grad_;
  if (requires_grad_) {
    impl->grad_fn = grad_fn_.lock();
    impl->output_nr = output_nr_;
  }
  return Tensor(std::move(impl));
}

}  // namespace xgrad
