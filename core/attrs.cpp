#include "core/attrs.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/numeric_cast.hpp"

namespace xgrad {

Attrs::Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> entries) {
  for (const auto& [name, value] : entries) (*this)[name] = value;
}

const AttrValue* Attrs::find(const std::string& name) const {
  for (const auto& entry : entries_)
    if (entry.first == name) return &entry.second;
  return nullptr;
}

AttrValue& Attrs::operator[](const std::string& name) {
  if (const AttrValue* v = find(name)) return const_cast<AttrValue&>(*v);
  entries_.emplace_back(name, AttrValue(0.0));
  return entries_.back().second;
}

bool Attrs::contains(const std::string& name) const {
  return find(name) != nullptr;
}

namespace {
const char* type_name(const AttrValue& v) {
  static const char* names[] = {"double", "int64", "bool", "Shape", "string"};
  return names[v.index()];
}
}  // namespace

namespace {
[[noreturn]] void wrong_kind(const AttrValue& v, const char* wanted) {
  throw ValueError(fmt::format("saved value holds a {}, not the {} asked for", type_name(v),
                               wanted));
}
}  // namespace

double AttrValue::toDouble() const {
  if (const auto* d = std::get_if<double>(this)) return *d;
  if (const auto* i = std::get_if<int64_t>(this)) return static_cast<double>(*i);
  wrong_kind(*this, "double");
}
int64_t AttrValue::toInt() const {
  if (const auto* i = std::get_if<int64_t>(this)) return *i;
  if (const auto* d = std::get_if<double>(this);
      d && fits_int64(*d) && *d == static_cast<double>(int64_t(*d)))
    return static_cast<int64_t>(*d);
  wrong_kind(*this, "int64");
}
bool AttrValue::toBool() const {
  if (const auto* b = std::get_if<bool>(this)) return *b;
  wrong_kind(*this, "bool");
}
const Shape& AttrValue::toIntVector() const {
  if (const auto* s = std::get_if<Shape>(this)) return *s;
  wrong_kind(*this, "Shape");
}
const std::string& AttrValue::toStringRef() const {
  if (const auto* s = std::get_if<std::string>(this)) return *s;
  wrong_kind(*this, "string");
}

template <class T>
T Attrs::get(const std::string& name) const {
  const AttrValue* v = find(name);
  if (!v) throw ValueError(fmt::format("attribute '{}' is missing", name));
  if (const T* value = std::get_if<T>(v)) return *value;
  // Numbers convert between double and int64 where no information is lost.
  if constexpr (std::is_same_v<T, double>) {
    if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  }
  if constexpr (std::is_same_v<T, int64_t>) {
    if (const auto* d = std::get_if<double>(v);
        d && fits_int64(*d) && *d == static_cast<double>(int64_t(*d)))
      return static_cast<int64_t>(*d);
  }
  throw ValueError(fmt::format("attribute '{}' holds a {}, not the {} expected", name,
                               type_name(*v), type_name(AttrValue(T{}))));
}

template double Attrs::get<double>(const std::string&) const;
template int64_t Attrs::get<int64_t>(const std::string&) const;
template bool Attrs::get<bool>(const std::string&) const;
template Shape Attrs::get<Shape>(const std::string&) const;
template std::string Attrs::get<std::string>(const std::string&) const;

}  // namespace xgrad
