// nn::save / nn::load: round trips, a file written by another implementation, strict and
// non-strict loading, all-or-nothing on error, and 10,000 corrupted files.
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/file_helpers.hpp"
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace fs = std::filesystem;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::read_bytes;
using xgtest::temp_dir;
using xgtest::write_bytes;

/// Every tensor's values; compared bit for bit (a corrupted file may hold NaNs).
std::vector<std::vector<double>> snapshot(const nn::Module& m) {
  std::vector<std::vector<double>> out;
  for (const auto& [name, t] : m.state_dict()) out.push_back(t.to_vector());
  return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

TEST(Checkpoint, ReferenceFileFromAnotherImplementationLoadsIntoMLP231) {
  const std::string dir = XGRAD_TEST_DATA_DIR;
  nn::MLP model({2, 3, 1});
  auto result = nn::load(model, dir + "/mlp_2_3_1.safetensors");
  EXPECT_TRUE(result.missing_keys.empty());
  EXPECT_TRUE(result.unexpected_keys.empty());
  EXPECT_EQ(result.loaded_keys.size(), 4u);
  std::ifstream in(dir + "/mlp_2_3_1.expected.json");
  auto expected = nlohmann::json::parse(in);
  auto params = model.named_parameters();
  ASSERT_EQ(params.size(), expected.size());
  for (const auto& [name, p] : params) {
    const auto& e = expected.at(name);
    EXPECT_EQ(p.shape(), e.at("shape").get<xg::Shape>()) << name;
    EXPECT_EQ(e.at("dtype"), "float32");
    const auto want = e.at("data").get<std::vector<double>>();
    const auto got = p.to_vector();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(static_cast<float>(got[i]), static_cast<float>(want[i])) << name << "[" << i << "]";
  }
  xg::Metadata metadata;
  xg::load_tensors(dir + "/mlp_2_3_1.safetensors", &metadata);
  EXPECT_FALSE(metadata.empty());
}

TEST(Checkpoint, SaveThenLoadIntoAFreshModelGivesTheSamePredictions) {
  auto dir = temp_dir("nn_serialize_roundtrip");
  xg::manual_seed(0);
  nn::MLP a({4, 8, 3}, nn::MLPOptions().layer_norm(true));
  nn::BatchNorm1d bn(3);
  bn(xg::randn({6, 3}));  // moves the running stats away from their initial values
  nn::save(a, (dir / "a.safetensors").string(), {{"epoch", "7"}});
  xg::manual_seed(99);
  nn::MLP b({4, 8, 3}, nn::MLPOptions().layer_norm(true));
  EXPECT_NE(snapshot(a), snapshot(b));
  nn::load(b, (dir / "a.safetensors").string());
  EXPECT_EQ(snapshot(a), snapshot(b));
  auto x = xg::randn({5, 4});
  EXPECT_EQ(a(x).to_vector(), b(x).to_vector());
  xg::Metadata metadata;
  xg::load_tensors((dir / "a.safetensors").string(), &metadata);
  EXPECT_EQ(metadata.at("epoch"), "7");
  // Buffers travel too (BatchNorm's running statistics).
  nn::save(bn, (dir / "bn.safetensors").string());
  nn::BatchNorm1d bn2(3);
  nn::load(bn2, (dir / "bn.safetensors").string());
  EXPECT_EQ(snapshot(bn), snapshot(bn2));
}

TEST(Checkpoint, Float32FileLoadsIntoAFloat64Model) {
  auto dir = temp_dir("nn_serialize_dtype");
  nn::MLP a({2, 3, 1});
  nn::save(a, (dir / "a.safetensors").string());
  nn::MLP b({2, 3, 1}, nn::MLPOptions().dtype(xg::kFloat64));
  nn::load(b, (dir / "a.safetensors").string());
  EXPECT_EQ(b.parameters()[0].dtype(), xg::kFloat64);
  EXPECT_EQ(snapshot(a), snapshot(b));
}

TEST(Checkpoint, StrictLoadReportsEveryProblemAtOnceAndChangesNothing) {
  auto dir = temp_dir("nn_serialize_strict");
  xg::save_tensors({{"layers.0.weight", xg::zeros({3, 2})},  // matches
                    {"layers.0.bias", xg::zeros({4})},       // wrong shape
                    {"layers.9.weight", xg::zeros({1})}},    // unexpected
                   (dir / "f.safetensors").string());
  nn::MLP model({2, 3, 1});
  const auto before = snapshot(model);
  const auto msg =
      message_of<xg::ValueError>([&] { nn::load(model, (dir / "f.safetensors").string()); });
  EXPECT_TRUE(Contains(msg, "missing keys (2): layers.1.weight, layers.1.bias"));
  EXPECT_TRUE(Contains(msg, "unexpected keys (1): layers.9.weight"));
  EXPECT_TRUE(Contains(msg, "layers.0.bias: file [4] vs module [3]"));
  EXPECT_TRUE(Contains(msg, "nothing was loaded"));
  EXPECT_EQ(snapshot(model), before);

  auto report = nn::load(model, (dir / "f.safetensors").string(), /*strict=*/false);
  EXPECT_EQ(report.loaded_keys, (std::vector<std::string>{"layers.0.weight"}));
  EXPECT_EQ(report.missing_keys.size(), 2u);
  EXPECT_EQ(report.unexpected_keys, (std::vector<std::string>{"layers.9.weight"}));
  EXPECT_EQ(report.mismatched_keys.size(), 1u);
  EXPECT_EQ(model.layers->at<nn::Linear>(0)->weight.to_vector(), std::vector<double>(6, 0.0));
  EXPECT_EQ(model.layers->at<nn::Linear>(0)->bias.to_vector(), before[1]);
}

TEST(Checkpoint, UnreadableFilesAreIOErrorsAndLeaveTheModuleAlone) {
  auto dir = temp_dir("nn_serialize_unreadable");
  nn::MLP model({2, 3, 1});
  const auto before = snapshot(model);
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { nn::load(model, dir.string()); }), "is a directory"));
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { nn::load(model, (dir / "missing").string()); }),
               (dir / "missing").string()));
  EXPECT_EQ(snapshot(model), before);
}

TEST(Checkpoint, FailedSaveKeepsThePreviousCheckpoint) {
  auto dir = temp_dir("failedsave");
  const auto path = (dir / "m.safetensors").string();
  nn::MLP small({2, 3, 1});
  nn::save(small, path);
  const auto before = read_bytes(path);
  // A save to the same path that fails halfway through writing, as on a full disk: the file
  // size limit makes write() fail with EFBIG once the temporary file passes 4 KB.
  nn::MLP big({64, 64, 64});
  struct rlimit old_limit {};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit low = old_limit;
  low.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
  const auto msg = message_of<xg::IOError>([&] { nn::save(big, path); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "File too large"));
  EXPECT_EQ(read_bytes(path), before);
  nn::MLP reloaded({2, 3, 1});
  nn::load(reloaded, path);
  // Saving into a missing directory fails cleanly too; no temporary file is left anywhere.
  EXPECT_THROW(nn::save(small, (dir / "nope" / "m.safetensors").string()), xg::IOError);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(Checkpoint, LoadStateDictInMemory) {
  nn::MLP a({2, 3, 1}), b({2, 3, 1});
  xg::TensorDict tensors;
  for (const auto& [name, t] : a.state_dict()) tensors.emplace(name, t);
  auto result = nn::load_state_dict(b, tensors);
  EXPECT_EQ(result.loaded_keys.size(), 4u);
  EXPECT_EQ(snapshot(a), snapshot(b));
  tensors.erase("layers.1.bias");
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { nn::load_state_dict(b, tensors); }),
                       "missing keys (1): layers.1.bias"));
}

// 10,000 corrupted copies of a valid checkpoint: each ends in an xgrad::Error (module
// unchanged) or in a load that matches what the file says. Never a crash (CI runs this under
// AddressSanitizer).
TEST(Checkpoint, FuzzedFilesNeverCrash) {
  // tmpfs when there is one: 10,000 rewrites of a file on a disk-backed /tmp take half a minute.
  fs::path dir = fs::exists("/dev/shm")
                     ? fs::path("/dev/shm") / ("xgrad_fuzz_" + std::to_string(::getpid()))
                     : temp_dir("nn_serialize_fuzz");
  fs::create_directories(dir);
  xg::manual_seed(7);
  nn::MLP source({3, 4, 2}, nn::MLPOptions().layer_norm(true));
  const auto good_path = (dir / "good.safetensors").string();
  nn::save(source, good_path, {{"k", "v"}});
  const std::string good = read_bytes(good_path);
  const auto bad_path = dir / "bad.safetensors";
  std::mt19937_64 rng(12345);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % std::max<size_t>(n, 1)); };
  int errors = 0, loads = 0;
  nn::MLP target({3, 4, 2}, nn::MLPOptions().layer_norm(true));
  for (int trial = 0; trial < 10000; ++trial) {
    std::string bytes = good;
    switch (trial % 5) {
      case 0:  // flip a few random bytes anywhere
        for (int k = 0, n = 1 + static_cast<int>(pick(4)); k < n; ++k)
          bytes[pick(bytes.size())] ^= static_cast<char>(1 + pick(255));
        break;
      case 1:  // truncate
        bytes.resize(pick(bytes.size()));
        break;
      case 2:  // change a byte inside the header (JSON structure, numbers, names)
        bytes[8 + pick(std::min<size_t>(bytes.size() - 8, good.size()))] =
            "{}[]\":,0123456789-e. aF"[pick(23)];
        break;
      case 3:  // corrupt the header length
        for (int k = 0; k < 8; ++k)
          if (rng() % 3 == 0) bytes[k] = static_cast<char>(rng());
        break;
      default:  // insert or delete a run of bytes
        if (rng() % 2)
          bytes.insert(pick(bytes.size()), std::string(1 + pick(16), static_cast<char>(rng())));
        else
          bytes.erase(pick(bytes.size()), 1 + pick(16));
    }
    {
      std::ofstream out(bad_path, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    const auto before = snapshot(target);
    try {
      nn::load(target, bad_path.string(), /*strict=*/trial % 2 == 0);
      ++loads;
      // A successful load put exactly the file's values into the module.
      const auto file = xg::load_tensors(bad_path.string());
      for (const auto& [name, t] : target.state_dict()) {
        auto it = file.find(name);
        if (it == file.end() || it->second.shape() != t.shape()) continue;
        const auto want = it->second.to_vector(), got = t.to_vector();
        ASSERT_TRUE(same_bits(std::vector<float>(want.begin(), want.end()),
                              std::vector<float>(got.begin(), got.end())))
            << "trial " << trial << " " << name;
      }
    } catch (const xg::Error&) {
      ++errors;
      const auto after = snapshot(target);
      ASSERT_EQ(after.size(), before.size());
      for (size_t i = 0; i < after.size(); ++i)
        ASSERT_TRUE(same_bits(after[i], before[i]))
            << "trial " << trial << " changed the module on error";
    }
  }
  fs::remove_all(dir);
  EXPECT_GT(errors, 1000);
  EXPECT_GT(loads, 100);  // flips inside the data region still load
}

}  // namespace
