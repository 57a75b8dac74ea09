#pragma once
// Lets core's plain training structs travel through queued signals and QVariant (QSignalSpy).
#include <QMetaType>

#include "core/training/trainer.h"
#include "core/training/training_metrics.h"

Q_DECLARE_METATYPE(mnist::TrainStart)
Q_DECLARE_METATYPE(mnist::BatchProgress)
Q_DECLARE_METATYPE(mnist::EpochMetrics)
Q_DECLARE_METATYPE(mnist::TrainResult)

namespace mnist::ui {

// Registers the types above once; safe to call repeatedly.
void registerTrainingMetricTypes();

}  // namespace mnist::ui
