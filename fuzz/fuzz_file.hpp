#pragma once
// For fuzz targets whose reader takes a path: the input written to a file in /dev/shm (or
// the temp directory), one per process, rewritten for every input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace xgrad::fuzz {

/// Writes [data, data + size) to this process's scratch file and returns its path.
inline std::string write_scratch(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string dir =
      std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  const std::string path = dir + "/xgrad_fuzz_" + std::to_string(::getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

}  // namespace xgrad::fuzz
