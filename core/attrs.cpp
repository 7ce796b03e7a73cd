#include <xgrad/core/attrs.hpp>

#include <fmt/format.h>

#include <type_traits>

#include <xgrad/core/error.hpp>

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
  // Ops save one to four values (a product: both transposes and the autocast state): one
  // allocation instead of a reallocation at each of the first entries.
  if (entries_.empty()) entries_.reserve(4);
  entries_.emplace_back(name, AttrValue(0.0));
  return entries_.back().second;
}

bool Attrs::contains(const std::string& name) const {
  return find(name) != nullptr;
}

namespace {
/// The Value reading of an attribute as T (numbers convert between double and int64_t where
/// no information is lost, as Value's accessors do).
template <class T>
T read(const Value& v, const std::string& name) {
  if constexpr (std::is_same_v<T, double>) {
    return v.as_double(name);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return v.as_int(name);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v.as_bool(name);
  } else if constexpr (std::is_same_v<T, Shape>) {
    return v.as_int_list(name);
  } else {
    static_assert(std::is_same_v<T, std::string>,
                  "attributes are double, int64_t, bool, Shape or string");
    return v.as_string(name);
  }
}
const char* wanted_name(double) {
  return "double";
}
const char* wanted_name(int64_t) {
  return "int";
}
const char* wanted_name(bool) {
  return "bool";
}
const char* wanted_name(const Shape&) {
  return "int list";
}
const char* wanted_name(const std::string&) {
  return "string";
}
}  // namespace

template <class T>
T Attrs::get(const std::string& name) const {
  const AttrValue* v = find(name);
  if (!v) throw ValueError(fmt::format("attribute '{}' is missing", name));
  try {
    return read<T>(*v, name);
  } catch (const ValueError&) {
    throw ValueError(fmt::format("attribute '{}' holds a {} {}, not the {} expected", name,
                                 v->type_name(), v->to_string(), wanted_name(T{})));
  }
}

template double Attrs::get<double>(const std::string&) const;
template int64_t Attrs::get<int64_t>(const std::string&) const;
template bool Attrs::get<bool>(const std::string&) const;
template Shape Attrs::get<Shape>(const std::string&) const;
template std::string Attrs::get<std::string>(const std::string&) const;

}  // namespace xgrad
