#include "ui/training_metric_types.h"

namespace mnist::ui {

void registerTrainingMetricTypes() {
    qRegisterMetaType<mnist::TrainStart>();
    qRegisterMetaType<mnist::BatchProgress>();
    qRegisterMetaType<mnist::EpochMetrics>();
    qRegisterMetaType<mnist::TrainResult>();
}

}  // namespace mnist::ui
