#pragma once
// What every example's main needs: an error boundary that turns any failure into a message
// and a non-zero exit (never an uncaught exception, never an abort), command-line checks whose
// messages read well, and running a helper program without a shell.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace xgrad::examples {

/// Runs `body` and returns its exit code; an exception becomes "program: message" on stderr
/// and exit code 1 (xgrad::Error, a filesystem error, std::bad_alloc as "out of memory").
///   Example: int main(int c, char** v) { return guarded_main("demo", [&] { ...; return 0; }); }
int guarded_main(const char* program, const std::function<int()>& body);

/// A check for a floating-point option: a number > 0 ("must be a positive number, got -1").
CLI::Validator positive_number();
/// A check for a floating-point option: a number >= 0.
CLI::Validator non_negative_number();
/// A check for an integer option in [lo, hi], with both bounds printed as integers.
CLI::Validator integer_in(long long lo, long long hi);

/// Runs `argv[0]` (looked up in PATH) with these arguments, without a shell, its output
/// discarded; true when it ran and exited with 0. Arguments are passed as they are, so a path
/// holding quotes or `$(...)` is just a path.
///   Example: run_program({"dot", "-Tsvg", in, "-o", out})
bool run_program(const std::vector<std::string>& argv);

}  // namespace xgrad::examples
