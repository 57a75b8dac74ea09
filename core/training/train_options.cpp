#include "core/training/train_options.h"

#include "core/errors.h"

namespace mnist {

const char* to_string(OptimizerKind kind) {
    switch (kind) {
        case OptimizerKind::Adam:
            return "adam";
        case OptimizerKind::AdamW:
            return "adamw";
        case OptimizerKind::SGD:
            return "sgd";
    }
    return "?";
}

const char* to_string(SchedulerKind kind) {
    switch (kind) {
        case SchedulerKind::ReduceOnPlateau:
            return "plateau";
        case SchedulerKind::OneCycle:
            return "onecycle";
        case SchedulerKind::Step:
            return "step";
        case SchedulerKind::None:
            return "none";
    }
    return "?";
}

OptimizerKind parse_optimizer(const std::string& name) {
    for (auto kind : {OptimizerKind::Adam, OptimizerKind::AdamW, OptimizerKind::SGD}) {
        if (name == to_string(kind)) return kind;
    }
    throw InvalidArgument("unknown optimizer '" + name + "' (choose adam, adamw or sgd)");
}

SchedulerKind parse_scheduler(const std::string& name) {
    for (auto kind : {SchedulerKind::ReduceOnPlateau, SchedulerKind::OneCycle, SchedulerKind::Step,
                      SchedulerKind::None}) {
        if (name == to_string(kind)) return kind;
    }
    throw InvalidArgument("unknown scheduler '" + name +
                          "' (choose plateau, onecycle, step or none)");
}

}  // namespace mnist
