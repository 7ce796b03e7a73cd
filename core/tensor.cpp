#include <xgrad/core/tensor.hpp>

#include <fmt/format.h>

#include <xgrad/core/detail/accumulate_grad.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/node.hpp>

namespace xgrad {

Tensor::Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

namespace {
/// The impl, or ValueError naming `fn`: an undefined tensor (a default-constructed handle)
/// must give an error, never a null dereference.
const TensorImpl& checked(const TensorImpl* impl, const char* fn) {
  if (!impl) throw ValueError(fmt::format("{}: the tensor is undefined", fn));
  return *impl;
}
TensorImpl& mutable_checked(TensorImpl* impl, const char* fn) {
  return const_cast<TensorImpl&>(checked(impl, fn));
}
}  // namespace

const Shape& Tensor::shape() const {
  return checked(impl_.get(), "shape").shape;
}
int64_t Tensor::dim() const {
  return static_cast<int64_t>(checked(impl_.get(), "dim").shape.size());
}
int64_t Tensor::numel() const {
  return shape_numel(checked(impl_.get(), "numel").shape);
}
DType Tensor::dtype() const {
  return checked(impl_.get(), "dtype").dtype;
}
int64_t Tensor::size(int64_t d) const {
  checked(impl_.get(), "size");
  return shape()[normalize_dim(d, dim(), "size")];
}

double Tensor::item() const {
  checked(impl_.get(), "item");
  if (numel() != 1) {
    throw ValueError(
        fmt::format("item: a tensor of shape {} has {} elements; only a "
                    "one-element tensor converts to a number",
                    shape_str(shape()), numel()));
  }
  return visit_dtype(dtype(), [&](auto z) {
    return static_cast<double>(storage_data<decltype(z)>(*impl_)[impl_->storage_offset]);
  });
}

double Tensor::at(const Shape& index) const {
  const Shape& s = checked(impl_.get(), "at").shape;
  if (index.size() != s.size()) {
    throw IndexError(fmt::format("at: index {} has {} entries for a tensor of rank {}",
                                 shape_str(index), index.size(), s.size()));
  }
  int64_t flat = impl_->storage_offset;  // strided: views read their own elements
  for (size_t d = 0; d < s.size(); ++d) {
    if (index[d] < 0 || index[d] >= s[d]) {
      throw IndexError(
          fmt::format("at: index {} is out of range for shape {}", shape_str(index), shape_str(s)));
    }
    flat += index[d] * impl_->strides[d];
  }
  return visit_dtype(dtype(), [&](auto z) {
    return static_cast<double>(storage_data<decltype(z)>(*impl_)[flat]);
  });
}

std::vector<double> Tensor::to_vector() const {
  checked(impl_.get(), "to_vector");
  std::vector<double> out(static_cast<size_t>(numel()));
  const Tensor dense = impl_->is_contiguous ? *this : dense_copy(*this);
  visit_dtype(dtype(), [&](auto z) {
    const auto* p = raw_data<decltype(z)>(dense);
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

template <class T>
T* Tensor::data_ptr() const {
  checked(impl_.get(), "data_ptr");
  if (dtype() != dtype_of<T>()) {
    throw DTypeError(fmt::format("data_ptr: the tensor is {}, not {}", dtype_name(dtype()),
                                 dtype_name(dtype_of<T>())));
  }
  return storage_data<T>(*impl_) + impl_->storage_offset;  // a view points into its base
}
template float* Tensor::data_ptr<float>() const;
template double* Tensor::data_ptr<double>() const;
template int64_t* Tensor::data_ptr<int64_t>() const;
template bool* Tensor::data_ptr<bool>() const;

bool Tensor::requires_grad() const {
  return checked(impl_.get(), "requires_grad").requires_grad;
}

const Tensor& Tensor::requires_grad_(bool requires_grad) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "requires_grad_");
  if (requires_grad && !is_floating(impl.dtype)) {
    throw DTypeError(
        fmt::format("requires_grad_: only float32 and float64 tensors can require "
                    "grad, not {}",
                    dtype_name(impl.dtype)));
  }
  if (!requires_grad && impl.grad_fn) {
    throw AutogradError(
        "requires_grad_: a tensor computed by a recorded op always requires grad; "
        "use detach() for a copy cut from the graph");
  }
  impl.requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  return checked(impl_.get(), "grad").grad;
}

void Tensor::set_grad(const Tensor& grad) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "set_grad");
  if (grad.defined() && (grad.shape() != impl.shape || grad.dtype() != impl.dtype)) {
    throw ShapeError(fmt::format("set_grad: a {} gradient of shape {} for a {} tensor of shape {}",
                                 dtype_name(grad.dtype()), shape_str(grad.shape()),
                                 dtype_name(impl.dtype), shape_str(impl.shape)));
  }
  std::lock_guard<std::mutex> lock(impl.mutex);
  impl.grad = grad;
}

void Tensor::zero_grad(bool set_to_none) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "zero_grad");
  std::lock_guard<std::mutex> lock(impl.mutex);
  if (set_to_none || !impl.grad.defined()) {
    impl.grad = Tensor();
  } else {
    impl.grad = impl.grad.detach();
    impl.grad.zero_();
  }
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  return checked(impl_.get(), "grad_fn").grad_fn;
}
uint32_t Tensor::output_nr() const {
  return checked(impl_.get(), "output_nr").output_nr;
}
bool Tensor::is_leaf() const {
  return checked(impl_.get(), "is_leaf").grad_fn == nullptr;
}
bool Tensor::retains_grad() const {
  return checked(impl_.get(), "retains_grad").retains_grad;
}

const Tensor& Tensor::retain_grad() const {
  TensorImpl& impl = mutable_checked(impl_.get(), "retain_grad");
  if (!impl.requires_grad) {
    throw AutogradError(
        "retain_grad: the tensor does not require grad, so it has no gradient to keep");
  }
  if (!impl.grad_fn || impl.retains_grad) return *this;  // leaves keep their grad anyway
  impl.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  impl.grad_fn->add_pre_hook(impl.output_nr, [weak](const Tensor& g) {
    if (auto self = weak.lock()) accumulate_into_grad(*self, g);
    return Tensor();
  });
  return *this;
}

void Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "register_hook");
  if (!impl.requires_grad) {
    throw AutogradError(
        "register_hook: the tensor does not require grad, so no gradient will "
        "reach the hook");
  }
  if (impl.grad_fn) {
    impl.grad_fn->add_pre_hook(impl.output_nr, std::move(hook));
  } else {
    std::lock_guard<std::mutex> lock(impl.mutex);
    impl.hooks.push_back(std::move(hook));
  }
}

uint64_t Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "register_post_accumulate_grad_hook");
  if (!impl.requires_grad || impl.grad_fn) {
    throw AutogradError(fmt::format(
        "register_post_accumulate_grad_hook: only a leaf that requires grad accumulates a "
        "gradient, but this tensor (shape {}) {}",
        shape_str(impl.shape), impl.grad_fn ? "was computed by an op" : "does not require grad"));
  }
  if (!hook) throw ValueError("register_post_accumulate_grad_hook: the hook is empty");
  static std::atomic<uint64_t> next_handle{1};
  const uint64_t handle = next_handle.fetch_add(1);
  std::lock_guard<std::mutex> lock(impl.mutex);
  impl.post_accumulate_hooks.emplace_back(handle, std::move(hook));
  return handle;
}

bool Tensor::remove_post_accumulate_grad_hook(uint64_t handle) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "remove_post_accumulate_grad_hook");
  std::lock_guard<std::mutex> lock(impl.mutex);
  auto& hooks = impl.post_accumulate_hooks;
  for (auto it = hooks.begin(); it != hooks.end(); ++it) {
    if (it->first == handle) {
      hooks.erase(it);
      return true;
    }
  }
  return false;
}

Tensor Tensor::detach() const {
  checked(impl_.get(), "detach");
  return make_view(*this, shape());
}

uint64_t Tensor::version() const {
  return checked(impl_.get(), "version").storage->version.load();
}

void Tensor::bump_version() const {
  checked(impl_.get(), "bump_version").storage->version.fetch_add(1);
}

void Tensor::set_data(const Tensor& data) const {
  TensorImpl& impl = mutable_checked(impl_.get(), "set_data");
  const TensorImpl& source = checked(data.impl(), "set_data (the new data)");
  if (impl.requires_grad && !is_floating(source.dtype)) {
    throw DTypeError(fmt::format(
        "set_data: this tensor requires grad, so its data must be float32 or float64, not {}",
        dtype_name(source.dtype)));
  }
  std::lock_guard<std::mutex> lock(impl.mutex);
  impl.storage = source.storage;  // shared, as PyTorch's set_data shares data's storage
  impl.set_layout(source.shape, source.strides, source.storage_offset);
  impl.dtype = source.dtype;
}

const Shape& Tensor::strides() const {
  return checked(impl_.get(), "strides").strides;
}
int64_t Tensor::stride(int64_t d) const {
  const TensorImpl& impl = checked(impl_.get(), "stride");
  return impl.strides[normalize_dim(d, dim(), "stride")];
}
int64_t Tensor::storage_offset() const {
  return checked(impl_.get(), "storage_offset").storage_offset;
}
bool Tensor::is_contiguous() const {
  return checked(impl_.get(), "is_contiguous").is_contiguous;
}

Tensor make_strided_view(const Tensor& source, Shape shape, Shape strides, int64_t offset) {
  const TensorImpl& src = checked(source.impl(), "view");
  auto impl = std::make_shared<TensorImpl>(src.storage, Shape{}, src.dtype);
  impl->set_layout(std::move(shape), std::move(strides), offset);
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& source, Shape shape, const char* op) {
  const TensorImpl& src = checked(source.impl(), op);
  if (shape == src.shape) {
    return make_strided_view(source, std::move(shape), src.strides, src.storage_offset);
  }
  if (src.is_contiguous) {
    Shape strides = contiguous_strides(shape);
    return make_strided_view(source, std::move(shape), std::move(strides), src.storage_offset);
  }
  Shape strides;
  if (!view_strides(src.shape, src.strides, shape, strides)) {
    // libtorch's wording, so the fix is the one a libtorch user knows.
    throw ShapeError(fmt::format(
        "{}: view size is not compatible with input tensor's size and stride (shape {}, strides "
        "{} viewed as {}: at least one dimension spans across two contiguous subspaces). Use "
        ".reshape(...) instead (it copies when it must), or .contiguous() first",
        op, shape_str(src.shape), shape_str(src.strides), shape_str(shape)));
  }
  return make_strided_view(source, std::move(shape), std::move(strides), src.storage_offset);
}

Tensor dense_copy(const Tensor& source) {
  const TensorImpl& src = checked(source.impl(), "contiguous");
  Tensor out = empty_tensor(src.shape, src.dtype);
  strided_copy(src, *out.impl());
  return out;
}

}  // namespace xgrad
