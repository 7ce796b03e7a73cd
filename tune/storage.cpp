#include <xgrad/tune/storage.hpp>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace xgrad::tune {

// Built-ins are added where the registry is made, not by static registration in other
// files: the library is static, and an object file nothing refers to is not linked.
Registry<StorageFactory>& storage_registry() {
  static Registry<StorageFactory>& registry = [&]() -> Registry<StorageFactory>& {
    static Registry<StorageFactory> r("storage");
    r.add("memory", [](const std::string&) { return make_memory_storage(); });
    r.add("sqlite", [](const std::string& path) { return make_sqlite_storage(path); });
    return r;
  }();
  return registry;
}

std::unique_ptr<Storage> make_storage(const std::string& url) {
  if (url.empty() || url == "memory") return make_memory_storage();
  const auto colon = url.find(':');
  if (colon == std::string::npos) {
    throw ValueError(fmt::format(
        "StudyOptions::storage: '{}' is not a storage URL; expected 'memory' or 'sqlite:PATH'",
        url));
  }
  return storage_registry().get(url.substr(0, colon))(url.substr(colon + 1));
}

std::string this_process_owner() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}", host, getpid());
}

bool owner_is_dead(const std::string& owner) {
  const auto colon = owner.rfind(':');
  if (colon == std::string::npos) return false;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  if (owner.substr(0, colon) != host) return false;  // another machine's: cannot tell
  const long pid = std::strtol(owner.c_str() + colon + 1, nullptr, 10);
  if (pid <= 0) return false;
  return kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace xgrad::tune
