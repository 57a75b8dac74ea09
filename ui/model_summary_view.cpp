#include "ui/model_summary_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <exception>

#include "core/models/model_summary.h"
#include "ui/number_format.h"

namespace mnist::ui {
namespace {

enum Column { kLayer, kType, kShape, kParams, kMacs, kColumns };

// The scroll area around the panel sizes it by preferred heights (its labels wrap), so a table
// asking for QTableWidget's default height would push the Augmentation section off a 800 px
// screen. This one asks for its minimum and takes whatever height is left over.
class LayerTable : public QTableWidget {
  public:
    using QTableWidget::QTableWidget;
    QSize sizeHint() const override { return {QTableWidget::sizeHint().width(), minimumHeight()}; }
};

QTableWidgetItem* cell(const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

ModelSummaryView::ModelSummaryView(QWidget* parent) : QWidget(parent) {
    table_ = new LayerTable(0, kColumns);
    table_->setHorizontalHeaderLabels(
        {tr("Layer"), tr("Type"), tr("Output shape"), tr("Params"), tr("MACs")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(kShape, QHeaderView::Stretch);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setToolTip(
        tr("Every layer with the shape of its output for one 28×28 image, its number of learned "
           "parameters and its multiply-accumulates per image; the last row is the total"));
    // Header and four layers at least; the table takes whatever height the panel has left.
    table_->setMinimumHeight(table_->horizontalHeader()->sizeHint().height() +
                             4 * table_->verticalHeader()->defaultSectionSize() + 4);
    totals_ = new QLabel;
    totals_->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_, 1);
    layout->addWidget(totals_);
}

void ModelSummaryView::showModel(const QString& model) {
    mnist::ModelSummary summary;
    try {
        summary = mnist::summarize_model(model.toStdString());
    } catch (const std::exception& e) {
        table_->setRowCount(0);
        totals_->setText(tr("No summary: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    table_->setRowCount(static_cast<int>(summary.layers.size()) + 1);
    int row = 0;
    for (const auto& layer : summary.layers) {
        table_->setItem(row, kLayer, cell(QString::fromStdString(layer.name), false));
        table_->setItem(row, kType, cell(QString::fromStdString(layer.type), false));
        // The shape column gives way first on a narrow panel: the whole shape on hover.
        const QString shape = QString::fromStdString(mnist::format_shape(layer.output_shape));
        table_->setItem(row, kShape, cell(shape, false));
        table_->item(row, kShape)->setToolTip(shape);
        table_->setItem(row, kParams, cell(groupThousands(layer.params), true));
        table_->setItem(row, kMacs, cell(groupThousands(layer.macs), true));
        ++row;
    }
    QFont bold = table_->font();
    bold.setBold(true);
    const QStringList total_row = {tr("Total"), QString(), QString(),
                                   groupThousands(summary.total_params),
                                   groupThousands(summary.total_macs)};
    for (int c = 0; c < kColumns; ++c) {
        auto* item = cell(total_row[c], c >= kParams);
        item->setFont(bold);
        table_->setItem(row, c, item);
    }
    // One line, as before the MACs column: a second line would push the Augmentation section off
    // a 800 px screen. The total MACs are in the table's Total row.
    totals_->setText(
        tr("%1 parameters (%2 trainable), %3 KB as float32")
            .arg(groupThousands(summary.total_params), groupThousands(summary.trainable_params))
            .arg(summary.size_kb, 0, 'f', 1));
}

}  // namespace mnist::ui
