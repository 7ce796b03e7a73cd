#pragma once
// A main() for distributed programs that never leaves the other ranks waiting: an error on
// one rank ends the whole job within moments, with a message naming the rank.
//
//   int main(int argc, char** argv) {
//     return xgrad::dist::run(argc, argv, [&] {
//       ... train ...
//       return 0;
//     });
//   }
#include <functional>

namespace xgrad::dist {

/// init(argc, argv), then `body`. An exception escaping `body`, or a non-zero status from it
/// in a job of several processes, ends every rank through abort() (MPI_Abort): a rank that
/// merely returned would leave the others blocked in their next collective. Returns body's
/// status (0 in a job, where failure never returns).
int run(int& argc, char**& argv, const std::function<int()>& body);

}  // namespace xgrad::dist
