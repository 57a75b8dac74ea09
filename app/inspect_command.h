#pragma once
// `mnist-cli inspect`: what a checkpoint does inside (core/evaluation/inspection.h) as PNG grids
// and a JSON report.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

struct InspectFlags {
    std::string checkpoint;  // empty: the bundled model
    std::string data;
    std::string out;
    std::string feature_maps_image;
    std::string saliency_image;
    std::string filters_layer;  // empty with --filters: every layer with kernels
    const CLI::Option* filters = nullptr;
    bool confusion = false;
    int mistakes = 0;
    int occlusion_patch = 4;
    std::int64_t limit_test = 0;
    bool json = false;
};

// Registers the subcommand and its flags on `app`.
CLI::App* add_inspect_command(CLI::App& app, InspectFlags& flags);

// Runs it; `executable` (argv[0]) helps find the bundled model and the data. Errors are thrown as
// core's exceptions, for main() to turn into exit codes.
int run_inspect(const InspectFlags& flags, const std::string& executable);
