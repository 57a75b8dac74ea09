#include "app/inspect_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/checkpoint/bundled_model.h"
#include "core/data/data_location.h"
#include "core/errors.h"
#include "core/evaluation/inspection.h"
#include "core/evaluation/inspection_images.h"
#include "core/image/image_encoding.h"
#include "core/inference/digit_preprocess.h"
#include "core/inference/image_file.h"

using nlohmann::json;

namespace {

namespace fs = std::filesystem;

// Where the pictures go; empty when no --out was given (then only the report is printed).
class PictureFolder {
  public:
    explicit PictureFolder(const std::string& dir) : dir_(dir) {
        if (dir_.empty()) return;
        std::error_code error;
        fs::create_directories(dir_, error);
        if (error || !fs::is_directory(dir_)) {
            throw mnist::InvalidArgument("--out " + dir_ + ": cannot create the folder (" +
                                         (error ? error.message() : "not a directory") + ")");
        }
    }
    bool enabled() const { return !dir_.empty(); }
    std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }

    // Writes the picture and returns its path, or null in JSON when there is no folder.
    template <typename Image>
    json write(const Image& image, const std::string& name) const {
        if (!enabled()) return nullptr;
        mnist::write_png(image, path(name));
        return path(name);
    }

  private:
    std::string dir_;
};

// An image file decoded and preprocessed exactly as `predict` does.
mnist::PreprocessedDigit load_digit(const std::string& path) {
    return mnist::preprocess_digit(mnist::load_image_file(path));
}

json stage_json(const mnist::StageActivation& s, const json& file) {
    float lo = 0, hi = 0;
    if (!s.values.empty()) {
        const auto [min, max] = std::minmax_element(s.values.begin(), s.values.end());
        lo = *min;
        hi = *max;
    }
    return {{"name", s.name},     {"type", s.type}, {"output_shape", s.output_shape},
            {"params", s.params}, {"macs", s.macs}, {"min", lo},
            {"max", hi},          {"file", file}};
}

json feature_maps_report(const mnist::Inspector& inspector, const std::string& image,
                         const PictureFolder& out) {
    const auto digit = load_digit(image);
    const auto stages = inspector.feature_maps(digit.pixels);
    json list = json::array();
    for (std::size_t i = 0; i < stages.size(); ++i) {
        char name[96];
        std::snprintf(name, sizeof name, "feature_maps_%02zu_%s.png", i + 1,
                      stages[i].name.c_str());
        list.push_back(stage_json(stages[i], out.write(mnist::feature_map_grid(stages[i]), name)));
    }
    const auto& logits = stages.back().values;
    json report = {{"image", image}, {"blank", digit.blank}, {"stages", list}};
    report["digit"] = digit.blank
                          ? json(nullptr)
                          : json(std::max_element(logits.begin(), logits.end()) - logits.begin());
    return report;
}

json saliency_json(const mnist::SaliencyMap& s, const mnist::PreprocessedDigit& digit,
                   const PictureFolder& out, const std::string& kind) {
    json j = {{"digit", s.digit < 0 ? json(nullptr) : json(s.digit)},
              {"probability", s.digit < 0 ? json(nullptr) : json(s.probability)}};
    j["file"] = out.write(mnist::saliency_image(s.map), "saliency_" + kind + ".png");
    j["overlay"] = out.write(mnist::saliency_overlay(digit.pixels, s.map),
                             "saliency_" + kind + "_overlay.png");
    return j;
}

json saliency_report(const mnist::Inspector& inspector, const std::string& image, int patch,
                     const PictureFolder& out) {
    const auto digit = load_digit(image);
    json occlusion =
        saliency_json(inspector.occlusion_saliency(digit.pixels, patch), digit, out, "occlusion");
    occlusion["patch"] = patch;
    return {{"image", image},
            {"blank", digit.blank},
            {"gradient",
             saliency_json(inspector.gradient_saliency(digit.pixels), digit, out, "gradient")},
            {"occlusion", occlusion}};
}

json filters_report(const mnist::Inspector& inspector, const std::string& layer,
                    const PictureFolder& out) {
    const auto layers = layer.empty() ? inspector.filter_layers() : std::vector<std::string>{layer};
    json list = json::array();
    for (const auto& name : layers) {
        const auto bank = inspector.filters(name);
        list.push_back({{"layer", bank.layer},
                        {"out_channels", bank.out_channels},
                        {"in_channels", bank.in_channels},
                        {"kernel", {bank.kernel_h, bank.kernel_w}},
                        {"min", bank.min},
                        {"max", bank.max},
                        {"file", out.write(mnist::filter_grid(bank), "filters_" + name + ".png")}});
    }
    return list;
}

mnist::TestSetInspection score_test_set(const mnist::Inspector& inspector, const InspectFlags& f,
                                        const std::string& executable) {
    std::string dir;
    try {
        dir = mnist::resolve_data_dir(f.data, executable);
    } catch (const mnist::DataError& e) {
        throw mnist::DataError(std::string("--confusion and --mistakes need the MNIST test set: ") +
                               e.what());
    }
    return inspector.inspect_test_set(dir, f.limit_test);
}

json mistakes_report(const mnist::TestSetInspection& r, int n, const PictureFolder& out) {
    const std::vector<std::int64_t> shown(
        r.mistakes.begin(), r.mistakes.begin() + std::min<std::size_t>(n, r.mistakes.size()));
    json list = json::array();
    for (std::int64_t i : shown) {
        list.push_back({{"index", i},
                        {"label", r.labels[i]},
                        {"predicted", r.predicted[i]},
                        {"confidence", r.confidence[i]}});
    }
    json report = {{"total", r.mistakes.size()}, {"shown", list}};
    report["file"] =
        shown.empty() ? json(nullptr) : out.write(mnist::digit_grid(r, shown), "mistakes.png");
    return report;
}

void print_text(const json& report) {
    std::printf("%s (%s)\n", report["model"].get<std::string>().c_str(),
                report["checkpoint"].get<std::string>().c_str());
    auto file_note = [](const json& file) {
        return file.is_null() ? std::string() : "  -> " + file.get<std::string>();
    };
    if (report.contains("confusion")) {
        const auto& c = report["confusion"];
        std::printf("test set: %lld images, accuracy %.2f%%, %lld mistakes%s\n",
                    c["count"].get<long long>(), c["accuracy"].get<double>(),
                    c["mistakes"].get<long long>(), file_note(c["file"]).c_str());
    }
    if (report.contains("mistakes")) {
        const auto& m = report["mistakes"];
        std::printf("most confident mistakes%s\n", file_note(m["file"]).c_str());
        for (const auto& item : m["shown"]) {
            std::printf("  #%-5lld true %d, read as %d (%.1f%%)\n", item["index"].get<long long>(),
                        item["label"].get<int>(), item["predicted"].get<int>(),
                        100.0 * item["confidence"].get<double>());
        }
    }
    if (report.contains("feature_maps")) {
        const auto& f = report["feature_maps"];
        std::printf("feature maps of %s:\n", f["image"].get<std::string>().c_str());
        for (const auto& s : f["stages"]) {
            std::printf("  %-8s %-18s %-14s %12lld MACs%s\n", s["name"].get<std::string>().c_str(),
                        s["type"].get<std::string>().c_str(), s["output_shape"].dump().c_str(),
                        s["macs"].get<long long>(), file_note(s["file"]).c_str());
        }
    }
    if (report.contains("saliency")) {
        const auto& s = report["saliency"];
        if (s["blank"].get<bool>()) {
            std::printf("saliency of %s: blank (no ink found)\n",
                        s["image"].get<std::string>().c_str());
        } else {
            for (const char* kind : {"gradient", "occlusion"}) {
                const auto& k = s[kind];
                std::printf("%s saliency of %s: digit %d (%.1f%%)%s\n", kind,
                            s["image"].get<std::string>().c_str(), k["digit"].get<int>(),
                            100.0 * k["probability"].get<double>(), file_note(k["file"]).c_str());
            }
        }
    }
    if (report.contains("filters")) {
        for (const auto& b : report["filters"]) {
            std::printf("filters %-7s %d x %d of %dx%d, weights %.3f .. %.3f%s\n",
                        b["layer"].get<std::string>().c_str(), b["out_channels"].get<int>(),
                        b["in_channels"].get<int>(), b["kernel"][0].get<int>(),
                        b["kernel"][1].get<int>(), b["min"].get<double>(), b["max"].get<double>(),
                        file_note(b["file"]).c_str());
        }
    }
}

}  // namespace

CLI::App* add_inspect_command(CLI::App& app, InspectFlags& f) {
    auto* cmd = app.add_subcommand(
        "inspect",
        "look inside a checkpoint: confusion and mistakes on the test set, feature maps, "
        "saliency, filters (PNG grids with --out, a JSON report with --json)");
    cmd->add_option("--checkpoint", f.checkpoint,
                    "a .pth state_dict (default: the bundled Model_3)");
    cmd->add_flag("--confusion", f.confusion, "the test set's confusion matrix (needs MNIST)");
    cmd->add_option("--mistakes", f.mistakes, "the N most confident mistakes on the test set")
        ->check(CLI::Range(1, 10000));
    cmd->add_option(
        "--feature-maps", f.feature_maps_image,
        "every stage's output for this image (PNG, JPEG, PGM; preprocessed as predict)");
    cmd->add_option("--saliency", f.saliency_image,
                    "gradient and occlusion saliency for this image");
    f.filters = cmd->add_option("--filters", f.filters_layer,
                                "the kernels of LAYER (default: every convolution)")
                    ->expected(0, 1);
    cmd->add_option("--occlusion-patch", f.occlusion_patch,
                    "side of the blanked square for occlusion saliency (default 4)")
        ->check(CLI::Range(1, 28));
    cmd->add_option("--out", f.out, "write PNG grids and inspect.json into this folder");
    cmd->add_option("--data", f.data, "directory holding the MNIST IDX files");
    cmd->add_option("--limit-test", f.limit_test, "inspect the first N test images only")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", f.json, "print the report as JSON");
    return cmd;
}

int run_inspect(const InspectFlags& f, const std::string& executable) {
    const bool filters = f.filters && f.filters->count() > 0;
    if (!f.confusion && f.mistakes == 0 && f.feature_maps_image.empty() &&
        f.saliency_image.empty() && !filters) {
        throw mnist::InvalidArgument(
            "inspect: nothing to do; give --confusion, --mistakes N, --feature-maps IMAGE, "
            "--saliency IMAGE or --filters");
    }
    const std::string checkpoint =
        f.checkpoint.empty() ? mnist::find_bundled_checkpoint(executable) : f.checkpoint;
    const mnist::Inspector inspector(checkpoint);
    const PictureFolder out(f.out);

    json report = {{"checkpoint", checkpoint}, {"model", inspector.model()}};
    if (!f.feature_maps_image.empty())
        report["feature_maps"] = feature_maps_report(inspector, f.feature_maps_image, out);
    if (!f.saliency_image.empty())
        report["saliency"] = saliency_report(inspector, f.saliency_image, f.occlusion_patch, out);
    if (filters) report["filters"] = filters_report(inspector, f.filters_layer, out);
    if (f.confusion || f.mistakes > 0) {
        const auto r = score_test_set(inspector, f, executable);
        if (f.confusion) {
            report["confusion"] = {
                {"count", r.eval.count},
                {"accuracy", r.eval.accuracy},
                {"loss", r.eval.loss},
                {"mistakes", r.mistakes.size()},
                {"class_accuracy", r.eval.class_accuracy},
                {"matrix", r.eval.confusion},
                {"file", out.write(mnist::confusion_heatmap(r.eval), "confusion.png")}};
        }
        if (f.mistakes > 0) report["mistakes"] = mistakes_report(r, f.mistakes, out);
    }

    if (out.enabled()) {
        const std::string path = out.path("inspect.json");
        std::ofstream file(path);
        file << report.dump(2) << "\n";
        if (!file) throw mnist::DataError("cannot write " + path);
    }
    if (f.json) {
        std::cout << report.dump(2) << "\n";
    } else {
        print_text(report);
    }
    return 0;
}
