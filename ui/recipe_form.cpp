#include "ui/recipe_form.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

#include <algorithm>
#include <vector>

#include "core/compute_device.h"

namespace mnist::ui {
namespace {

// Where each field sits: two to a row, pairs that belong together side by side, so the recipe
// leaves room for the Augmentation section in a 800 px high window. A field alone takes the row.
const std::vector<std::vector<const char*>> kRows = {
    {"epochs", "batch_size"}, {"optimizer"},           {"scheduler"},  {"lr", "max_lr"},
    {"seed", "threads"},      {"device", "ema_decay"}, {"early_stop"},
};

}  // namespace

RecipeForm::RecipeForm(QWidget* parent) : QGroupBox(tr("Training recipe"), parent) {
    auto* grid = new QGridLayout(this);
    int row = 0;
    for (const auto& keys : kRows) {
        int column = 0;
        for (const char* key : keys) {
            QWidget* widget = editors_.add(key);
            grid->addWidget(editors_.makeLabel(key), row, column);
            grid->addWidget(widget, row, column + 1, 1, keys.size() == 1 ? 3 : 1);
            column += 2;
        }
        ++row;
    }
    offerThisMachinesDevices();

    auto* quick_demo = new QPushButton(tr("Quick demo"));
    quick_demo->setToolTip(
        tr("A short recipe for live demonstrations: Model_3 passes 99.4 % in about a minute on "
           "two cores"));
    auto* reset = new QPushButton(tr("Reset to recommended"));
    reset->setToolTip(
        tr("Put back the recipe and augmentation ranges this model is meant to be trained with"));
    grid->addWidget(quick_demo, row, 0, 1, 2);
    grid->addWidget(reset, row, 2, 1, 2);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    // Seven rows of fields: packed a little closer than the style's spacing so that the
    // Augmentation section below still shows whole in an 800 px high window.
    grid->setVerticalSpacing(std::min(grid->verticalSpacing(), 3));

    connect(quick_demo, &QPushButton::clicked, this, &RecipeForm::quickDemoRequested);
    connect(reset, &QPushButton::clicked, this, &RecipeForm::resetRequested);
    connect(static_cast<QComboBox*>(editors_.widget("scheduler")), &QComboBox::currentIndexChanged,
            this, &RecipeForm::updateLrEnabled);
    updateLrEnabled();
}

// The table's devices are what the CLI takes (auto, cpu, cuda); the form offers what this
// machine has, and shows "auto" as the device it means here.
void RecipeForm::offerThisMachinesDevices() {
    auto* device = static_cast<QComboBox*>(editors_.widget("device"));
    device->removeItem(device->findData(QStringLiteral("auto")));
    if (!mnist::cuda_available()) device->removeItem(device->findData(QStringLiteral("cuda")));
    device->setToolTip(mnist::cuda_available()
                           ? tr("Train on the CPU or the CUDA GPU")
                           : tr("No CUDA GPU was found; training runs on the CPU"));
}

void RecipeForm::readInto(mnist::TrainOptions& options) const {
    editors_.read(options);
}

void RecipeForm::setOptions(const mnist::TrainOptions& options) {
    mnist::TrainOptions shown = options;
    if (shown.device == "auto") shown.device = mnist::cuda_available() ? "cuda" : "cpu";
    editors_.write(shown);
    updateLrEnabled();
}

// OneCycle sets its own learning rate from the peak; the others start from the learning rate.
void RecipeForm::updateLrEnabled() {
    const bool one_cycle =
        editors_.value("scheduler") ==
        mnist::FieldValue(std::string(mnist::to_string(mnist::SchedulerKind::OneCycle)));
    editors_.widget("max_lr")->setEnabled(one_cycle);
    editors_.widget("lr")->setEnabled(!one_cycle);
}

}  // namespace mnist::ui
