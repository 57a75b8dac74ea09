// Tests for core/step_lr, core/reduce_lr_on_plateau and core/one_cycle_lr: each schedule is run
// step by step against sequences derived by hand from the formulas in PyTorch's
// torch/optim/lr_scheduler.py (derivations in the comments), plus the options each one rejects.
#include <QList>
#include <QObject>
#include <QString>
#include <QTest>

#include <cmath>
#include <limits>

#include "core/errors.h"
#include "core/training/lr_scheduler.h"
#include "core/training/one_cycle_lr.h"
#include "core/training/reduce_lr_on_plateau.h"
#include "core/training/step_lr.h"

using mnist::AnnealStrategy;
using mnist::LrScheduler;
using mnist::OneCycleLR;
using mnist::OneCycleLROptions;
using mnist::PlateauMode;
using mnist::ReduceLROnPlateau;
using mnist::ReduceLROnPlateauOptions;
using mnist::StepLR;
using mnist::StepLROptions;
using mnist::ThresholdMode;

Q_DECLARE_METATYPE(mnist::ReduceLROnPlateauOptions)
Q_DECLARE_METATYPE(mnist::AnnealStrategy)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Relative, so that 4e-7 and 1.25e-8 are checked as tightly as 0.1. The expected values are
// the doubles PyTorch's formulas give, so only rounding in the last bits may differ.
bool nearly(double actual, double expected) {
    return std::abs(actual - expected) <= 1e-12 * std::abs(expected) + 1e-300;
}

QString describe(const char* what, double actual, double expected) {
    return QStringLiteral("%1 = %2, expected %3")
        .arg(QString::fromLatin1(what))
        .arg(actual, 0, 'g', 17)
        .arg(expected, 0, 'g', 17);
}

}  // namespace

#define COMPARE_NEAR(actual, expected) \
    QVERIFY2(nearly((actual), (expected)), qPrintable(describe(#actual, (actual), (expected))))

// Runs `make` and checks it throws mnist::InvalidArgument whose message mentions `needle`.
#define VERIFY_REJECTS(make, needle)                                                          \
    do {                                                                                      \
        bool thrown = false;                                                                  \
        try {                                                                                 \
            make;                                                                             \
        } catch (const mnist::InvalidArgument& error) {                                       \
            thrown = true;                                                                    \
            QVERIFY2(QString::fromUtf8(error.what()).contains(needle),                        \
                     qPrintable(QStringLiteral("message '%1' does not mention '%2'")          \
                                    .arg(QString::fromUtf8(error.what()), QString(needle)))); \
        }                                                                                     \
        QVERIFY2(thrown, "expected mnist::InvalidArgument");                                  \
    } while (false)

class TestLrSchedulers : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void stepLrSequence_data();
    void stepLrSequence();
    void stepLrDefaultGammaIsTenth();
    void stepLrRejectsBadOptions();

    void plateauSequence_data();
    void plateauSequence();
    void plateauTracksBestAndBadEpochs();
    void plateauIgnoresBatchStepsAndMomentum();
    void plateauRejectsBadOptions_data();
    void plateauRejectsBadOptions();

    void oneCycleSchedule_data();
    void oneCycleSchedule();
    void oneCycleStartsAtInitialLr();
    void oneCyclePeaksThenAnneals();
    void oneCycleThrowsPastTotalSteps();
    void oneCycleWithoutMomentum();
    void oneCycleRejectsBadOptions();

    void savedStateContinuesEachSchedule();
};

// ---- StepLR -------------------------------------------------------------------------------

void TestLrSchedulers::stepLrSequence_data() {
    QTest::addColumn<double>("initial");
    QTest::addColumn<int>("stepSize");
    QTest::addColumn<double>("gamma");
    QTest::addColumn<QList<double>>("lrs");  // lr() after each step_epoch

    // lr = initial * gamma^(epoch // step_size), epoch = 1, 2, ...
    // 0.05 * 0.1^(e // 3): e = 1,2 -> 0.05; e = 3,4,5 -> 0.005; e = 6,7 -> 0.0005.
    QTest::newRow("size 3, gamma 0.1")
        << 0.05 << 3 << 0.1 << QList<double>{0.05, 0.05, 0.005, 0.005, 0.005, 0.0005, 0.0005};
    // Every epoch halves: 0.5^e.
    QTest::newRow("size 1, gamma 0.5") << 1.0 << 1 << 0.5 << QList<double>{0.5, 0.25, 0.125};
    // gamma > 1 is legal in PyTorch and grows the lr: 2^(e // 2).
    QTest::newRow("size 2, gamma 2") << 1.0 << 2 << 2.0 << QList<double>{1.0, 2.0, 2.0, 4.0};
}

void TestLrSchedulers::stepLrSequence() {
    QFETCH(double, initial);
    QFETCH(int, stepSize);
    QFETCH(double, gamma);
    QFETCH(QList<double>, lrs);

    StepLR scheduler(initial, StepLROptions(stepSize).gamma(gamma));
    COMPARE_NEAR(scheduler.lr(), initial);
    LrScheduler& base = scheduler;  // the trainer only sees the interface
    for (int i = 0; i < lrs.size(); ++i) {
        base.step_epoch(123.0);  // StepLR ignores the metric
        QCOMPARE(scheduler.epoch(), i + 1);
        COMPARE_NEAR(base.lr(), lrs[i]);
    }
    QVERIFY(!base.momentum().has_value());
}

void TestLrSchedulers::stepLrDefaultGammaIsTenth() {
    StepLR scheduler(1.0, StepLROptions(1));
    QCOMPARE(scheduler.options().gamma(), 0.1);
    scheduler.step_batch();  // per-batch steps do not move StepLR
    COMPARE_NEAR(scheduler.lr(), 1.0);
    scheduler.step_epoch(0.0);
    COMPARE_NEAR(scheduler.lr(), 0.1);
}

void TestLrSchedulers::stepLrRejectsBadOptions() {
    VERIFY_REJECTS(StepLR(0.1, StepLROptions(0)), "step_size");
    VERIFY_REJECTS(StepLR(0.1, StepLROptions(-2)), "-2");
    VERIFY_REJECTS(StepLR(0.1, StepLROptions(1).gamma(-0.5)), "gamma");
    VERIFY_REJECTS(StepLR(0.1, StepLROptions(1).gamma(kNaN)), "gamma");
    VERIFY_REJECTS(StepLR(-0.1, StepLROptions(1)), "initial lr");
}

// ---- ReduceLROnPlateau --------------------------------------------------------------------

void TestLrSchedulers::plateauSequence_data() {
    QTest::addColumn<ReduceLROnPlateauOptions>("options");
    QTest::addColumn<double>("initial");
    QTest::addColumn<QList<double>>("metrics");
    QTest::addColumn<QList<double>>("lrs");  // lr() after each step_epoch(metric)
    QTest::addColumn<int>("reductions");

    using Options = ReduceLROnPlateauOptions;

    // PyTorch's step(m): better = m < best * (1 - threshold) (min, rel); a better m resets
    // num_bad_epochs, else it counts up; during cooldown the counter decrements and bad epochs
    // are zeroed; num_bad_epochs > patience reduces lr to max(lr * factor, min_lr) when that
    // lowers it by more than eps, then starts the cooldown and zeroes num_bad_epochs.

    // 10 beats inf; 9 < 10 * 0.9999; then 9 is never < 9 * 0.9999: bad epochs 1, 2, 3 at epochs
    // 3, 4, 5 -> reduce at epoch 5 (the third bad one), and again three bad epochs later.
    QTest::newRow("min, patience 2")
        << Options().patience(2) << 1.0 << QList<double>{10, 9, 9, 9, 9, 9, 9, 9}
        << QList<double>{1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01} << 2;
    // Same flat metric, patience 1: bad 1 at e2, bad 2 at e3 -> reduce; bad 1 at e4, 2 at e5 ->
    // reduce again.
    QTest::newRow("patience 1, no cooldown")
        << Options().patience(1) << 1.0 << QList<double>{5, 5, 5, 5, 5, 5}
        << QList<double>{1, 1, 0.1, 0.1, 0.01, 0.01} << 2;
    // With cooldown 2 the reduction at e3 sets the counter to 2; e4 and e5 are swallowed
    // (counter 1, then 0), so counting restarts at e6 (bad 1) and e7 (bad 2 -> reduce).
    QTest::newRow("patience 1, cooldown 2")
        << Options().patience(1).cooldown(2) << 1.0 << QList<double>{5, 5, 5, 5, 5, 5, 5, 5}
        << QList<double>{1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01} << 2;
    // patience 0: every bad epoch reduces. Rel 0.1: 95 is not < 100 * 0.9 = 90 -> reduce;
    // 89 < 90 improves (best is still 100).
    QTest::newRow("threshold rel 0.1")
        << Options().patience(0).threshold(0.1) << 1.0 << QList<double>{100, 95, 89}
        << QList<double>{1, 0.1, 0.1} << 1;
    // Abs 0.1: 95 < 100 - 0.1 and 89 < 95 - 0.1 both improve.
    QTest::newRow("threshold abs 0.1")
        << Options().patience(0).threshold(0.1).threshold_mode(ThresholdMode::Abs) << 1.0
        << QList<double>{100, 95, 89} << QList<double>{1, 1, 1} << 0;
    // On a small loss the two modes swap: rel 0.005 < 0.01 * 0.9 improves, abs 0.005 is not
    // < 0.01 - 0.1 = -0.09.
    QTest::newRow("small metric, rel") << Options().patience(0).threshold(0.1) << 1.0
                                       << QList<double>{0.01, 0.005} << QList<double>{1, 1} << 0;
    QTest::newRow("small metric, abs")
        << Options().patience(0).threshold(0.1).threshold_mode(ThresholdMode::Abs) << 1.0
        << QList<double>{0.01, 0.005} << QList<double>{1, 0.1} << 1;
    // Max, rel 1e-4, patience 1, accuracies: 0.95 > 0.90 * 1.0001 better; 0.95 not > 0.95 *
    // 1.0001 (bad 1); 0.96 better; 0.96 bad 1; 0.96 bad 2 -> reduce at the last epoch.
    QTest::newRow("mode max") << Options().mode(PlateauMode::Max).patience(1) << 1.0
                              << QList<double>{0.90, 0.95, 0.95, 0.96, 0.96, 0.96}
                              << QList<double>{1, 1, 1, 1, 1, 0.1} << 1;
    // Max with a 0.1 threshold, patience 0: rel needs > 0.5 * 1.1 = 0.55, abs > 0.5 + 0.1 = 0.6.
    // 0.54 and 0.58 fail the bar (reduce), 0.56 and 0.65 clear it (no further reduction).
    QTest::newRow("mode max, threshold rel 0.1")
        << Options().mode(PlateauMode::Max).patience(0).threshold(0.1) << 1.0
        << QList<double>{0.5, 0.54, 0.56} << QList<double>{1, 0.1, 0.1} << 1;
    QTest::newRow("mode max, threshold abs 0.1")
        << Options()
               .mode(PlateauMode::Max)
               .patience(0)
               .threshold(0.1)
               .threshold_mode(ThresholdMode::Abs)
        << 1.0 << QList<double>{0.5, 0.58, 0.65} << QList<double>{1, 0.1, 0.1} << 1;
    // The same rising numbers in min mode never improve after the first: bad 1, 2 -> reduce at
    // e3; bad 1, 2 -> reduce at e5.
    QTest::newRow("rising metric, mode min")
        << Options().patience(1) << 1.0 << QList<double>{0.90, 0.95, 0.95, 0.96, 0.96, 0.96}
        << QList<double>{1, 1, 0.1, 0.1, 0.01, 0.01} << 2;
    // factor 0.5, min_lr 0.3: 1 -> max(0.5, 0.3) = 0.5 -> max(0.25, 0.3) = 0.3 -> 0.3 stays
    // (0.3 - 0.3 is not > eps, and that skipped reduction is not counted).
    QTest::newRow("min_lr clamp") << Options().patience(0).factor(0.5).min_lr(0.3) << 1.0
                                  << QList<double>{1, 1, 1, 1, 1}
                                  << QList<double>{1, 0.5, 0.3, 0.3, 0.3} << 2;
    // Default eps 1e-8, factor 0.5 from 1e-7: drops of 5e-8, 2.5e-8 and 1.25e-8 exceed eps; the
    // next (6.25e-9) does not, so the lr stays at 1.25e-8.
    QTest::newRow("eps stops tiny reductions")
        << Options().patience(0).factor(0.5) << 1e-7 << QList<double>{1, 1, 1, 1, 1, 1}
        << QList<double>{1e-7, 5e-8, 2.5e-8, 1.25e-8, 1.25e-8, 1.25e-8} << 3;
    // eps 1e-7: the first drop, 5e-8, is already below it.
    QTest::newRow("large eps suppresses all")
        << Options().patience(0).factor(0.5).eps(1e-7) << 1e-7 << QList<double>{1, 1, 1}
        << QList<double>{1e-7, 1e-7, 1e-7} << 0;
    // NaN < best is false in Python and C++ alike, so a NaN loss is a bad epoch.
    QTest::newRow("NaN metric is bad")
        << Options().patience(0) << 1.0 << QList<double>{1, kNaN} << QList<double>{1, 0.1} << 1;
}

void TestLrSchedulers::plateauSequence() {
    QFETCH(ReduceLROnPlateauOptions, options);
    QFETCH(double, initial);
    QFETCH(QList<double>, metrics);
    QFETCH(QList<double>, lrs);
    QFETCH(int, reductions);
    QCOMPARE(metrics.size(), lrs.size());

    ReduceLROnPlateau scheduler(initial, options);
    COMPARE_NEAR(scheduler.lr(), initial);
    LrScheduler& base = scheduler;
    for (int i = 0; i < metrics.size(); ++i) {
        base.step_epoch(metrics[i]);
        QVERIFY2(nearly(base.lr(), lrs[i]), qPrintable(QStringLiteral("epoch %1: ").arg(i + 1) +
                                                       describe("lr()", base.lr(), lrs[i])));
    }
    QCOMPARE(scheduler.reductions(), reductions);
}

void TestLrSchedulers::plateauTracksBestAndBadEpochs() {
    ReduceLROnPlateau scheduler(1.0, ReduceLROnPlateauOptions().patience(2).cooldown(1));
    QCOMPARE(scheduler.best(), kInf);  // mode min starts from the worst value
    QCOMPARE(scheduler.num_bad_epochs(), 0);

    // metric, then best, num_bad_epochs, in_cooldown after the step (see plateauSequence):
    scheduler.step_epoch(10);  // better than inf
    QCOMPARE(scheduler.best(), 10.0);
    scheduler.step_epoch(12);  // bad 1
    scheduler.step_epoch(11);  // bad 2
    QCOMPARE(scheduler.best(), 10.0);
    QCOMPARE(scheduler.num_bad_epochs(), 2);
    QVERIFY(!scheduler.in_cooldown());
    scheduler.step_epoch(10);  // 10 is not < 10 * 0.9999: bad 3 > 2 -> reduce, cooldown 1
    QCOMPARE(scheduler.num_bad_epochs(), 0);
    QVERIFY(scheduler.in_cooldown());
    COMPARE_NEAR(scheduler.lr(), 0.1);
    scheduler.step_epoch(10);  // bad, but swallowed by the cooldown (counter 1 -> 0)
    QCOMPARE(scheduler.num_bad_epochs(), 0);
    QVERIFY(!scheduler.in_cooldown());
    scheduler.step_epoch(3);  // improves: best moves, counter stays 0
    QCOMPARE(scheduler.best(), 3.0);
    QCOMPARE(scheduler.num_bad_epochs(), 0);
    QCOMPARE(scheduler.reductions(), 1);

    ReduceLROnPlateau max_mode(1.0, ReduceLROnPlateauOptions().mode(PlateauMode::Max));
    QCOMPARE(max_mode.best(), -kInf);
    max_mode.step_epoch(0.5);
    QCOMPARE(max_mode.best(), 0.5);
}

void TestLrSchedulers::plateauIgnoresBatchStepsAndMomentum() {
    ReduceLROnPlateau scheduler(0.02, ReduceLROnPlateauOptions().patience(0));
    LrScheduler& base = scheduler;
    for (int i = 0; i < 5; ++i) base.step_batch();
    COMPARE_NEAR(base.lr(), 0.02);
    QCOMPARE(scheduler.num_bad_epochs(), 0);
    QVERIFY(!base.momentum().has_value());
}

void TestLrSchedulers::plateauRejectsBadOptions_data() {
    QTest::addColumn<double>("initial");
    QTest::addColumn<ReduceLROnPlateauOptions>("options");
    QTest::addColumn<QString>("needle");  // the message must name the option and its value

    using Options = ReduceLROnPlateauOptions;
    QTest::newRow("factor 1") << 0.1 << Options().factor(1.0) << "factor must be in [0, 1), got 1";
    QTest::newRow("factor 1.5") << 0.1 << Options().factor(1.5) << "factor";
    QTest::newRow("factor negative") << 0.1 << Options().factor(-0.1) << "-0.1";
    QTest::newRow("factor NaN") << 0.1 << Options().factor(kNaN) << "factor";
    QTest::newRow("patience") << 0.1 << Options().patience(-1) << "patience must be >= 0, got -1";
    QTest::newRow("threshold") << 0.1 << Options().threshold(-1e-4) << "threshold";
    QTest::newRow("cooldown") << 0.1 << Options().cooldown(-3) << "cooldown";
    QTest::newRow("min_lr") << 0.1 << Options().min_lr(-1.0) << "min_lr";
    QTest::newRow("eps") << 0.1 << Options().eps(-1e-8) << "eps";
    QTest::newRow("initial lr") << -0.1 << Options() << "initial lr";
    QTest::newRow("initial lr inf") << kInf << Options() << "initial lr";
}

void TestLrSchedulers::plateauRejectsBadOptions() {
    QFETCH(double, initial);
    QFETCH(ReduceLROnPlateauOptions, options);
    QFETCH(QString, needle);
    VERIFY_REJECTS(ReduceLROnPlateau(initial, options), needle);
}

// ---- OneCycleLR ---------------------------------------------------------------------------
//
// max_lr 0.1, total_steps 10, defaults: initial_lr = 0.1 / 25 = 0.004, min_lr = 0.004 / 1e4 =
// 4e-7. PyTorch's phases end at pct_start * total - 1 = 2 and total - 1 = 9; at step s the
// phase holding s gives pct = (s - start) / (end - start), and
//   cos:    lr = end_lr + (start_lr - end_lr) / 2 * (cos(pi * pct) + 1)
//   linear: lr = (end_lr - start_lr) * pct + start_lr
// with momentum annealed the same way, 0.95 -> 0.85 in warm-up and back to 0.95 after.

void TestLrSchedulers::oneCycleSchedule_data() {
    QTest::addColumn<AnnealStrategy>("strategy");
    QTest::addColumn<bool>("threePhase");
    QTest::addColumn<int>("step");  // how many step_batch() calls
    QTest::addColumn<double>("lr");
    QTest::addColumn<double>("momentum");

    const auto cos = AnnealStrategy::Cos;
    const auto linear = AnnealStrategy::Linear;
    // c = cos(3 pi / 7) = 0.22252093395631445 for step 5 (pct 3/7).
    QTest::newRow("cos, step 0") << cos << false << 0 << 0.004 << 0.95;
    // pct 1/2, cos(pi/2) = 0: 0.1 + (0.004 - 0.1) / 2 = 0.052; 0.85 + 0.1 / 2 = 0.9.
    QTest::newRow("cos, step 1") << cos << false << 1 << 0.052 << 0.9;
    QTest::newRow("cos, step 2 (peak)") << cos << false << 2 << 0.1 << 0.85;
    // 4e-7 + (0.1 - 4e-7) / 2 * (1 + c) = 0.061126202193628..., 0.95 - 0.05 * (1 + c).
    QTest::newRow("cos, step 5") << cos << false << 5 << 0.06112620219362893 << 0.8888739533021842;
    QTest::newRow("cos, step 9 (end)") << cos << false << 9 << 4e-7 << 0.95;
    // The last allowed step: step_batch() after the final batch reaches step 10 (pct 8/7):
    // PyTorch extrapolates past the phase end, cos(8 pi / 7) = -0.9009688679024191, giving
    // 4e-7 + (0.1 - 4e-7) / 2 * 0.0990311320975809.
    QTest::newRow("cos, step 10 (past end)")
        << cos << false << 10 << 0.004951936798652624 << 0.945048443395121;
    // Linear: step 1 is the midpoint 0.052 too; step 5: 0.1 + (4e-7 - 0.1) * 3/7, momentum
    // 0.85 + 0.1 * 3/7.
    QTest::newRow("linear, step 1") << linear << false << 1 << 0.052 << 0.9;
    QTest::newRow("linear, step 5")
        << linear << false << 5 << 0.05714302857142858 << 0.8928571428571428;
    // (4e-7 - 0.1) * 1 + 0.1 cancels in double: PyTorch's formula yields 3.999999999976245e-07,
    // not 4e-7, and so must ours.
    QTest::newRow("linear, step 9") << linear << false << 9 << 3.999999999976245e-07 << 0.95;
    // Three phases end at 2, 2 * 0.3 * 10 - 2 = 4 and 9: up 0.004 -> 0.1 (steps 0-2), back
    // down to 0.004 (steps 2-4), then 0.004 -> 4e-7 over steps 4-9 with momentum held at 0.95.
    QTest::newRow("three, step 2") << cos << true << 2 << 0.1 << 0.85;
    QTest::newRow("three, step 3") << cos << true << 3 << 0.052 << 0.9;
    QTest::newRow("three, step 4") << cos << true << 4 << 0.004 << 0.95;
    // pct 2/5, cos(2 pi / 5) = 0.30901699437494745: 4e-7 + (0.004 - 4e-7) / 2 * 1.309016994...
    QTest::newRow("three, step 6") << cos << true << 6 << 0.0026181721853510195 << 0.95;
    QTest::newRow("three, step 9") << cos << true << 9 << 4e-7 << 0.95;
}

void TestLrSchedulers::oneCycleSchedule() {
    QFETCH(AnnealStrategy, strategy);
    QFETCH(bool, threePhase);
    QFETCH(int, step);
    QFETCH(double, lr);
    QFETCH(double, momentum);

    OneCycleLR scheduler(
        OneCycleLROptions(0.1, 10).anneal_strategy(strategy).three_phase(threePhase));
    LrScheduler& base = scheduler;
    for (int i = 0; i < step; ++i) base.step_batch();
    QCOMPARE(scheduler.step_num(), step);
    COMPARE_NEAR(base.lr(), lr);
    QVERIFY(base.momentum().has_value());
    COMPARE_NEAR(*base.momentum(), momentum);
}

void TestLrSchedulers::oneCycleStartsAtInitialLr() {
    OneCycleLR scheduler(OneCycleLROptions(0.1, 10));
    COMPARE_NEAR(scheduler.initial_lr(), 0.004);  // 0.1 / 25
    COMPARE_NEAR(scheduler.min_lr(), 4e-7);       // 0.004 / 1e4
    COMPARE_NEAR(scheduler.lr(), scheduler.initial_lr());
    COMPARE_NEAR(*scheduler.momentum(), 0.95);

    OneCycleLR custom(OneCycleLROptions(0.5, 100)
                          .div_factor(10)
                          .final_div_factor(100)
                          .base_momentum(0.8)
                          .max_momentum(0.9));
    COMPARE_NEAR(custom.lr(), 0.05);
    COMPARE_NEAR(custom.min_lr(), 5e-4);
    COMPARE_NEAR(*custom.momentum(), 0.9);

    // Epoch steps belong to the epoch schedules; OneCycleLR only moves per batch.
    custom.step_epoch(1.0);
    QCOMPARE(custom.step_num(), 0);
    COMPARE_NEAR(custom.lr(), 0.05);
}

void TestLrSchedulers::oneCyclePeaksThenAnneals() {
    // 1000 steps: the peak is at round(0.3 * 1000) - 1 = 299, the end at 999; the lr rises
    // strictly to the peak and falls strictly after it, momentum mirrors it.
    const int total = 1000;
    OneCycleLR scheduler(OneCycleLROptions(0.01, total));
    double previous_lr = scheduler.lr();
    double previous_momentum = *scheduler.momentum();
    for (int step = 1; step < total; ++step) {
        scheduler.step_batch();
        const double lr = scheduler.lr();
        const double momentum = *scheduler.momentum();
        if (step <= 299) {
            QVERIFY2(lr > previous_lr, qPrintable(QStringLiteral("lr fell at step %1").arg(step)));
            QVERIFY(momentum < previous_momentum);
        } else {
            QVERIFY2(lr < previous_lr, qPrintable(QStringLiteral("lr rose at step %1").arg(step)));
            QVERIFY(momentum > previous_momentum);
        }
        if (step == 299) {
            COMPARE_NEAR(lr, 0.01);
            COMPARE_NEAR(momentum, 0.85);
        }
        previous_lr = lr;
        previous_momentum = momentum;
    }
    COMPARE_NEAR(previous_lr, 0.01 / 25 / 1e4);
    COMPARE_NEAR(previous_momentum, 0.95);
}

void TestLrSchedulers::oneCycleThrowsPastTotalSteps() {
    OneCycleLR scheduler(OneCycleLROptions(0.1, 10));
    for (int i = 0; i < 10; ++i) scheduler.step_batch();  // PyTorch allows total_steps steps
    const double lr = scheduler.lr();
    VERIFY_REJECTS(scheduler.step_batch(), "tried to step 11 times, but total_steps is 10");
    // The failed step left the schedule where it was.
    QCOMPARE(scheduler.step_num(), 10);
    QCOMPARE(scheduler.lr(), lr);
}

void TestLrSchedulers::oneCycleWithoutMomentum() {
    // Momentum values are not even validated when they are not cycled.
    OneCycleLR scheduler(OneCycleLROptions(0.1, 10).cycle_momentum(false).base_momentum(7));
    QVERIFY(!scheduler.momentum().has_value());
    scheduler.step_batch();
    QVERIFY(!scheduler.momentum().has_value());
    COMPARE_NEAR(scheduler.lr(), 0.052);
}

void TestLrSchedulers::oneCycleRejectsBadOptions() {
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 0)), "total_steps must be > 0, got 0");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, -5)), "total_steps");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.0, 10)), "max_lr");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(-0.1, 10)), "max_lr");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(kNaN, 10)), "max_lr");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(1.5)),
                   "pct_start must be in [0, 1], got 1.5");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(-0.1)), "pct_start");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(kNaN)), "pct_start");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).div_factor(0)), "div_factor");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).final_div_factor(-1)), "final_div_factor");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).base_momentum(1.2)), "base_momentum");
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).max_momentum(-0.1)), "max_momentum");
    // 0.1 * 10 - 1 = 0: warm-up is zero steps wide and step 0 lands in it (PyTorch: 0 / 0).
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(0.1)), "zero steps wide");
    // pct_start 1: the anneal phase runs from 9 to 9, and step 10 lands in it (PyTorch: 1 / 0).
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(1.0)), "step 10");
    // Same degenerate warm-up with three phases.
    VERIFY_REJECTS(OneCycleLR(OneCycleLROptions(0.1, 10).pct_start(0.1).three_phase(true)),
                   "zero steps wide");

    // Edge values that are fine. No warm-up: phases end at -1 and 9, so step 0 already sits at
    // pct 1/10 of the anneal: 4e-7 + (0.1 - 4e-7) / 2 * (cos(pi / 10) + 1), cos(pi / 10) =
    // 0.9510565162951535. A one-step run: phases end at -0.7 and 0, so step 0 is the end of the
    // anneal: min_lr.
    OneCycleLR no_warmup(OneCycleLROptions(0.1, 10).pct_start(0.0));
    COMPARE_NEAR(no_warmup.lr(), 0.09755283560345443);
    OneCycleLR one_step(OneCycleLROptions(0.1, 1));
    COMPARE_NEAR(one_step.lr(), 4e-7);
}

// ---- Saved state (resume) --------------------------------------------------------------------

// A schedule rebuilt from its options and restored from save_state() goes on exactly as the one
// it was saved from; a state of the wrong length is refused; only schedules that do not set the
// rate themselves take a new one.
void TestLrSchedulers::savedStateContinuesEachSchedule() {
    const auto drive = [](LrScheduler& s, int from, int to) {
        for (int i = from; i < to; ++i) {
            s.step_batch();
            s.step_batch();
            s.step_epoch(i % 3 == 0 ? 1.0 / (i + 1) : 2.0);  // improves every third epoch
        }
    };
    const auto plateau = [] {
        return ReduceLROnPlateau(0.1, ReduceLROnPlateauOptions().patience(1).cooldown(1));
    };
    const auto cycle = [] { return OneCycleLR(OneCycleLROptions(0.1, 20)); };
    const auto step = [] { return StepLR(0.1, StepLROptions(2).gamma(0.5)); };

    ReduceLROnPlateau p1 = plateau(), p2 = plateau();
    OneCycleLR c1 = cycle(), c2 = cycle();
    StepLR s1 = step(), s2 = step();
    const std::pair<LrScheduler*, LrScheduler*> pairs[] = {{&p1, &p2}, {&c1, &c2}, {&s1, &s2}};
    for (const auto& pair : pairs) drive(*pair.first, 0, 4);
    for (const auto& pair : pairs) pair.second->restore(pair.first->save_state());
    QCOMPARE(p2.reductions(), p1.reductions());
    QVERIFY(p1.reductions() > 0);
    for (const auto& pair : pairs) {
        drive(*pair.first, 4, 10);
        drive(*pair.second, 4, 10);
        QCOMPARE(pair.second->lr(), pair.first->lr());
        QCOMPARE(pair.second->save_state(), pair.first->save_state());
    }
    QVERIFY(c1.lr() != cycle().lr());

    VERIFY_REJECTS(p2.restore({0.1}), "not 5");
    VERIFY_REJECTS(c2.restore({1.0, 2.0}), "not 1");
    VERIFY_REJECTS(c2.restore({21.0}), "saved step");
    VERIFY_REJECTS(s2.restore({}), "not 2");
    // A state read from a damaged file: no NaN rate, no count that does not fit an int.
    VERIFY_REJECTS(p2.restore({kNaN, 1.0, 0.0, 0.0, 0.0}), "saved lr");
    VERIFY_REJECTS(p2.restore({0.1, kNaN, 0.0, 0.0, 0.0}), "saved best");
    VERIFY_REJECTS(p2.restore({0.1, 1.0, 1e300, 0.0, 0.0}), "saved bad epochs");
    VERIFY_REJECTS(s2.restore({0.1, 2.5}), "saved epoch");
    VERIFY_REJECTS(c2.restore({-1.0}), "saved step");

    p2.set_lr(0.025);
    QCOMPARE(p2.lr(), 0.025);
    VERIFY_REJECTS(c2.set_lr(0.01), "sets the rate itself");
    VERIFY_REJECTS(s2.set_lr(0.01), "sets the rate itself");
}

QTEST_APPLESS_MAIN(TestLrSchedulers)
#include "test_lr_schedulers.moc"
