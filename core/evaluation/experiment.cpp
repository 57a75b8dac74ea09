#include "core/evaluation/experiment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/errors.h"
#include "core/sample_statistics.h"

namespace mnist {
namespace {

std::string fmt(const char* format, double a, double b = 0.0, double c = 0.0) {
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, format, a, b, c);
    return buffer;
}

}  // namespace

ExperimentSummary run_experiment(const TrainOptions& options,
                                 const std::vector<std::uint64_t>& seeds, TrainObserver* observer,
                                 const std::atomic<bool>* stop) {
    if (seeds.empty()) throw InvalidArgument("an experiment needs at least one seed");
    ExperimentSummary summary;
    summary.model = options.model;
    summary.last3_min = 100.0;
    std::vector<double> finals, bests;
    for (const std::uint64_t seed : seeds) {
        TrainOptions run = options;
        run.seed = seed;
        run.out_dir =
            (std::filesystem::path(options.out_dir) / ("seed_" + std::to_string(seed))).string();
        SeedRun r;
        r.seed = seed;
        r.result = train(run, observer, stop);
        if (r.result.stopped || r.result.epochs.empty()) {
            summary.stopped = true;
            break;
        }
        const auto& epochs = r.result.epochs;
        r.final_acc = r.result.test_acc ? *r.result.test_acc : epochs.back().val_acc;
        r.best_acc = r.result.best_val_acc;
        r.last3_min = 100.0;
        for (std::size_t i = epochs.size() >= 3 ? epochs.size() - 3 : 0; i < epochs.size(); ++i) {
            r.last3_min = std::min(r.last3_min, epochs[i].val_acc);
        }
        summary.params = r.result.start.params;
        summary.last3_min = std::min(summary.last3_min, r.last3_min);
        finals.push_back(r.final_acc);
        bests.push_back(r.best_acc);
        summary.runs.push_back(std::move(r));
    }
    summary.final_acc = mean_and_sample_std(finals);  // zeros when no seed finished
    summary.best_acc = mean_and_sample_std(bests);
    return summary;
}

std::string describe_recipe(const TrainOptions& o) {
    std::string s = std::string(o.optimizer == OptimizerKind::Adam    ? "Adam"
                                : o.optimizer == OptimizerKind::AdamW ? "AdamW"
                                : o.nesterov                          ? "SGD (Nesterov)"
                                                                      : "SGD");
    if (o.weight_decay > 0) s += fmt(" wd %g", o.weight_decay);
    switch (o.scheduler) {
        case SchedulerKind::ReduceOnPlateau:
            s += fmt(", lr %g, ReduceLROnPlateau (factor %g, patience %g)", o.lr, o.plateau_factor,
                     o.plateau_patience);
            break;
        case SchedulerKind::OneCycle:
            s += fmt(", OneCycle (max LR %g)", o.max_lr);
            break;
        case SchedulerKind::Step:
            s += fmt(", lr %g, StepLR (every %g epochs x%g)", o.lr, o.step_size, o.step_gamma);
            break;
        case SchedulerKind::None:
            s += fmt(", constant lr %g", o.lr);
            break;
    }
    s += fmt(", batch %g, %g epochs", o.batch_size, o.epochs);
    if (o.ema_decay > 0) s += fmt(", weight average (EMA %g)", o.ema_decay);
    if (o.augment) {
        const auto& a = o.augmentation;
        s += fmt(", augmentation (rotate ±%g°, shift ±%g %%", a.degrees(), a.translate() * 100);
        s += fmt(", zoom %g–%g", a.scale_min(), a.scale_max());
        if (a.shear() > 0) s += fmt(", shear ±%g°", a.shear());
        if (a.stroke() > 0) s += fmt(", stroke width p=%g", a.stroke());
        s += ")";
    } else {
        s += ", no augmentation";
    }
    return s;
}

std::string format_markdown(const ExperimentSummary& summary, const TrainOptions& options) {
    std::string md = "**" + summary.model + "** — " + std::to_string(summary.params) +
                     " parameters — " + describe_recipe(options) + "\n\n";
    md += "| seed | final test acc | best acc (epoch) | min of last 3 epochs | seconds |\n";
    md += "|---:|---:|---:|---:|---:|\n";
    for (const auto& r : summary.runs) {
        double seconds = 0.0;
        for (const auto& e : r.result.epochs) seconds += e.seconds;
        md += "| " + std::to_string(r.seed) + " | " + fmt("%.2f %%", r.final_acc) + " | " +
              fmt("%.2f %% (%g)", r.best_acc, r.result.best_epoch) + " | " +
              fmt("%.2f %%", r.last3_min) + " | " + fmt("%.0f", seconds) + " |\n";
    }
    md += "| **mean ± std** | " +
          fmt("**%.2f ± %.2f %%**", summary.final_acc.mean, summary.final_acc.std) + " | " +
          fmt("%.2f ± %.2f %%", summary.best_acc.mean, summary.best_acc.std) + " | " +
          fmt("%.2f %%", summary.last3_min) + " | |\n";
    return md;
}

}  // namespace mnist
