#pragma once
// Options declared once. Each option of an options struct is one line,
//
//   XGRAD_OPTION(double, lr) = 1e-3;
//
// which declares the field `lr_`, its getter `lr()` and chainable setter `lr(v)` (as PyTorch's
// TORCH_ARG) and enters it, under its own name, in the struct's field list: the list the
// name-keyed front door walks (from_map, to_map, apply, state files, error messages listing
// the valid keys). The struct names itself and starts the list with XGRAD_OPTIONS:
//
//   struct LionOptions : OptionsBase<LionOptions> {
//     XGRAD_OPTIONS("Lion");
//     LionOptions(double lr = 1e-4) : lr_(lr) {}
//     XGRAD_OPTION(double, lr);
//     XGRAD_OPTION(Betas, betas) = {0.9, 0.99};
//   };
//
// How: every XGRAD_OPTION defines an overload of the static `xgrad_option_`, keyed by its line
// (__LINE__, the same in every translation unit, unlike __COUNTER__) relative to the line of
// XGRAD_OPTIONS; fields() visits the lines that have one, in order, so declaration order is
// field order. The options of one struct therefore sit within kMaxOptionLines lines of its
// XGRAD_OPTIONS (a static_assert says so otherwise).
//
// Structs written before this (kName plus a hand-written `fields()`, fields by XGRAD_ARG) keep
// working: anything with a static fields(self, f) is an options struct to the driver.
#include <type_traits>
#include <utility>

/// A chainable option without a field-list entry: `XGRAD_ARG(double, lr) = 1e-3;` declares
/// `lr_`, the getter `lr()` and the setter `lr(v)` returning *this (as PyTorch's TORCH_ARG).
#define XGRAD_ARG(T, name)                                 \
 public:                                                   \
  inline auto name(const T& new_##name)->decltype(*this) { \
    this->name##_ = new_##name;                            \
    return *this;                                          \
  }                                                        \
  inline const T& name() const noexcept {                  \
    return name##_;                                        \
  }                                                        \
  inline T& name() noexcept {                              \
    return name##_;                                        \
  }                                                        \
                                                           \
 private:                                                  \
  T name##_

namespace xgrad::optim::detail {

/// How many lines after XGRAD_OPTIONS the options of a struct may be declared.
inline constexpr int kMaxOptionLines = 192;

/// A visitor type for detection only.
struct OptionProbe {
  template <class T>
  void operator()(const char*, T&) const {}
};

template <class D, int Line, class = void>
struct HasOptionAt : std::false_type {};
template <class D, int Line>
struct HasOptionAt<
    D, Line,
    std::void_t<decltype(D::xgrad_option_(std::integral_constant<int, Line>{}, std::declval<D&>(),
                                          std::declval<OptionProbe&>()))>> : std::true_type {};

template <class D, int Line, class Self, class F>
inline void visit_option_at(Self& self, F& f) {
  if constexpr (HasOptionAt<D, Line>::value)
    D::xgrad_option_(std::integral_constant<int, Line>{}, self, f);
}

template <class D, class Self, class F, int... I>
inline void visit_options(Self& self, F& f, std::integer_sequence<int, I...>) {
  (visit_option_at<D, D::xgrad_options_line_ + 1 + I>(self, f), ...);
}

/// Calls f("name", self.name_) for every XGRAD_OPTION of self's struct, in declaration order.
template <class Self, class F>
inline void for_each_option(Self& self, F& f) {
  using D = std::remove_const_t<Self>;
  visit_options<D>(self, f, std::make_integer_sequence<int, kMaxOptionLines>{});
}

}  // namespace xgrad::optim::detail

/// Starts an options struct: its name (errors, state files: "Adam") and its field list, which
/// the XGRAD_OPTION lines after it fill.  Example: XGRAD_OPTIONS("Adam");
#define XGRAD_OPTIONS(display_name)                    \
 public:                                               \
  static constexpr const char* kName = display_name;   \
  static constexpr int xgrad_options_line_ = __LINE__; \
  template <class Self, class F>                       \
  static void fields(Self& self, F&& f) {              \
    ::xgrad::optim::detail::for_each_option(self, f);  \
  }                                                    \
  static_assert(true, "XGRAD_OPTIONS is followed by a semicolon")

/// One option, declared once: field, getter, chainable setter and its entry in the struct's
/// field list under its own name.  Example: XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
#define XGRAD_OPTION(T, name)                                                              \
 public:                                                                                   \
  static_assert(__LINE__ - xgrad_options_line_ <= ::xgrad::optim::detail::kMaxOptionLines, \
                "XGRAD_OPTION " #name " is too far below XGRAD_OPTIONS: move it up");      \
  template <class Self, class F>                                                           \
  static void xgrad_option_(std::integral_constant<int, __LINE__>, Self& self, F& f) {     \
    f(#name, self.name##_);                                                                \
  }                                                                                        \
  XGRAD_ARG(T, name)
