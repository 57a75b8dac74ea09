#pragma once
// A model's layer-by-layer summary: each layer's type, output shape, parameters and
// multiply-accumulates, a total row, and the totals in words below.
#include <QString>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace mnist::ui {

class ModelSummaryView : public QWidget {
    Q_OBJECT
  public:
    explicit ModelSummaryView(QWidget* parent = nullptr);

    // Shows core's summary of `model` (or why there is none).
    void showModel(const QString& model);

    QTableWidget* table() const { return table_; }

  private:
    QTableWidget* table_ = nullptr;
    QLabel* totals_ = nullptr;
};

}  // namespace mnist::ui
