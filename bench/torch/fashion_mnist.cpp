// The model and settings of examples/fashion_mnist.cpp written with libtorch, for the
// throughput comparison in bench/compare.sh: MLP 784-256-128-10 with ReLU and dropout 0.1,
// AdamW (lr 2e-3, weight decay 1e-4), batch 128, reshuffled every epoch, cosine schedule.
// The images are read with xgrad's IDX reader (Debian ships them gzipped, which
// torch::data::datasets::MNIST cannot read) and copied into torch tensors; only training is
// timed, as in the example. Prints one line per epoch and a final `samples_per_sec=<median>`.
//
//   fashion_mnist_torch [--data DIR] [--epochs 3] [--threads N]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <xgrad/data/mnist.hpp>

int main(int argc, char** argv) {
  std::string dir = "/usr/share/datasets/fashion-mnist";
  int epochs = 3;
  int threads = 0;  // 0: libtorch's default (one per core)
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--data")
      dir = argv[i + 1];
    else if (std::string(argv[i]) == "--epochs")
      epochs = std::stoi(argv[i + 1]);
    else if (std::string(argv[i]) == "--threads")
      threads = std::stoi(argv[i + 1]);
  }
  if (threads > 0) torch::set_num_threads(threads);
  auto data = xgrad::data::load_mnist(dir, /*train=*/true);
  const int64_t n = data.size();
  auto x = torch::from_blob(data.inputs().data_ptr<float>(), {n, 784}, torch::kFloat32).clone();
  auto y = torch::from_blob(data.targets().data_ptr<int64_t>(), {n}, torch::kLong).clone();

  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(784, 256), torch::nn::ReLU(),
                              torch::nn::Dropout(0.1), torch::nn::Linear(256, 128),
                              torch::nn::ReLU(), torch::nn::Dropout(0.1),
                              torch::nn::Linear(128, 10));
  torch::optim::AdamW optimizer(model->parameters(),
                                torch::optim::AdamWOptions(2e-3).weight_decay(1e-4));
  const int64_t batch = 128;
  std::vector<double> rates;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    // Cosine annealing per epoch (eta_min = lr / 50), as the example's CosineAnnealingLR.
    const double lr =
        2e-3 / 50 + (2e-3 - 2e-3 / 50) * (1 + std::cos(M_PI * (epoch - 1) / 20.0)) / 2;
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
    const auto t0 = std::chrono::steady_clock::now();
    auto order = torch::randperm(n, torch::kLong);
    double loss_sum = 0;
    for (int64_t start = 0; start < n; start += batch) {
      auto idx = order.slice(0, start, std::min(start + batch, n));
      auto xb = x.index_select(0, idx), yb = y.index_select(0, idx);
      optimizer.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(model->forward(xb), yb);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(xb.size(0));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(n) / seconds);
    std::cout << "epoch " << epoch << " train loss " << loss_sum / static_cast<double>(n) << " "
              << seconds << " s " << rates.back() << " samples/s\n";
  }
  std::sort(rates.begin(), rates.end());
  std::cout << "samples_per_sec=" << rates[rates.size() / 2] << "\n";
}
