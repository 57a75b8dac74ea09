#include "ui/prediction_panel.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTextDocumentFragment>
#include <QToolButton>
#include <QVBoxLayout>

#include <exception>
#include <functional>
#include <optional>

#include "core/checkpoint/checkpoint_meta.h"

#include "ui/digit_preview.h"
#include "ui/gray_image_conversion.h"

namespace mnist::ui {
namespace {

constexpr int kBarSteps = 1000;  // per-mille resolution for the probability bars

QString barStyle(const char* chunk_color) {
    return QStringLiteral(
               "QProgressBar { border: 1px solid palette(mid); border-radius: 3px; "
               "background: palette(base); text-align: center; }"
               "QProgressBar::chunk { background: %1; border-radius: 2px; }")
        .arg(QLatin1String(chunk_color));
}

// "epoch 14 · validation 99.45 %" from the checkpoint's .json sidecar, when it has one; a corrupt
// or stale sidecar is named rather than believed.
QString describeSidecar(const QString& pth_path) {
    std::optional<mnist::CheckpointMeta> meta;
    try {
        meta = mnist::read_checkpoint_meta(pth_path.toStdString());
    } catch (const std::exception& e) {
        return PredictionPanel::tr("description ignored: %1").arg(QString::fromStdString(e.what()));
    }
    if (!meta) return {};
    return PredictionPanel::tr("epoch %1 · validation %2 %")
        .arg(meta->epoch)
        .arg(meta->val_acc, 0, 'f', 2);
}

// "s1/best_Model_3.pth": members trained into different folders share a file name.
QString memberName(const QString& path) {
    const QFileInfo info(path);
    return info.dir().dirName() + QLatin1Char('/') + info.fileName();
}

// A checkpoint load's error, always naming the file even when core's reason does not.
QString refusal(const QString& path, const std::exception& e) {
    QString reason = QString::fromStdString(e.what());
    if (!reason.contains(QFileInfo(path).fileName()))
        reason = PredictionPanel::tr("%1: %2").arg(QDir::toNativeSeparators(path), reason);
    return reason;
}

}  // namespace

PredictionPanel::PredictionPanel(QWidget* parent) : QWidget(parent) {
    debounce_.setSingleShot(true);
    debounce_.setInterval(kDebounceMs);
    connect(&debounce_, &QTimer::timeout, this, &PredictionPanel::predictPending);

    auto* answer = new QGroupBox(tr("Prediction"));
    digit_ = new QLabel;
    QFont big = digit_->font();
    big.setPointSize(72);
    big.setBold(true);
    digit_->setFont(big);
    digit_->setAlignment(Qt::AlignCenter);
    digit_->setMinimumWidth(digit_->fontMetrics().horizontalAdvance(QStringLiteral("88")));
    digit_->setToolTip(tr("The digit the model thinks you drew"));
    confidence_ = new QLabel;
    confidence_->setAlignment(Qt::AlignCenter);
    confidence_->setWordWrap(true);
    QFont mid = confidence_->font();
    mid.setPointSizeF(mid.pointSizeF() * 1.2);
    confidence_->setFont(mid);

    auto* bars = bars_grid_ = new QGridLayout;
    bars->setVerticalSpacing(3);
    for (int d = 0; d < 10; ++d) {
        auto* bar = new QProgressBar;
        bar->setRange(0, kBarSteps);
        bar->setValue(0);
        bar->setFormat(QString());
        bar->setToolTip(tr("Probability the model gives to %1").arg(d));
        bar->setStyleSheet(barStyle("#7aa6d6"));
        auto* label = new QLabel(QString::number(d));
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        bar_labels_[d] = label;
        bars_[d] = bar;
    }
    placeBars();

    preview_ = new DigitPreview;
    preview_label_ = new QLabel(tr("What the model sees\n(28×28 after preprocessing)"));
    preview_label_->setWordWrap(true);
    preview_row_ = new QHBoxLayout;
    preview_row_->addWidget(preview_);
    preview_row_->addWidget(preview_label_, 1);

    // Under the bars while an ensemble answers: what each member said.
    votes_label_ = new QLabel;
    votes_label_->setWordWrap(true);
    votes_label_->setTextFormat(Qt::RichText);
    votes_label_->setToolTip(
        tr("Each checkpoint's own answer; the ensemble's is the mean of their probabilities"));
    votes_label_->hide();

    auto* digit_column = new QVBoxLayout;
    digit_column->addWidget(digit_);
    digit_column->addWidget(confidence_);
    digit_row_ = new QHBoxLayout;
    digit_row_->addLayout(digit_column, 1);
    auto* answer_layout = new QVBoxLayout(answer);
    answer_layout->addLayout(digit_row_);
    answer_layout->addLayout(bars);
    answer_layout->addWidget(votes_label_);
    answer_layout->addSpacing(6);
    answer_layout->addLayout(preview_row_);

    auto* checkpoint_box = checkpoint_box_ = new QGroupBox(tr("Checkpoint in use"));
    checkpoint_ = new QLabel;
    checkpoint_->setWordWrap(true);
    checkpoint_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    checkpoint_row_ = new QWidget;
    auto* row = new QHBoxLayout(checkpoint_row_);
    row->setContentsMargins(0, 0, 0, 0);
    auto* checkpoint_layout = new QVBoxLayout(checkpoint_box);
    checkpoint_layout->addWidget(checkpoint_);
    checkpoint_layout->addWidget(checkpoint_row_);
    checkpoint_layout->addWidget(makeEnsembleControls());
    row->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(answer);
    layout->addWidget(checkpoint_box);
    layout->addStretch(1);

    showCheckpoint();
    showEnsemble();
    showPrediction();
}

PredictionPanel::~PredictionPanel() = default;

QWidget* PredictionPanel::makeEnsembleControls() {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    members_ = new QListWidget;
    members_->setToolTip(tr("The checkpoints answering together"));
    // Room for three members; more scroll.
    members_->setMaximumHeight(members_->fontMetrics().height() * 4 + 8);
    auto* add = new QPushButton(tr("Add to ensemble…"));
    add->setToolTip(
        tr("Let another checkpoint answer too: the ensemble averages the members' probabilities "
           "(the models may differ)"));
    remove_member_ = new QPushButton(tr("Remove"));
    remove_member_->setToolTip(tr("Take the selected checkpoint out of the ensemble"));
    use_single_ = new QPushButton(tr("Use single checkpoint"));
    // "Add to ensemble…" sits beside "Load checkpoint…" (setLoadCheckpointAction puts that first).
    static_cast<QHBoxLayout*>(checkpoint_row_->layout())->addWidget(add);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(remove_member_);
    buttons->addWidget(use_single_);
    buttons->addStretch(1);
    layout->addWidget(members_);
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, &PredictionPanel::chooseEnsembleMember);
    connect(remove_member_, &QPushButton::clicked, this,
            [this] { removeFromEnsemble(members_->currentRow()); });
    connect(use_single_, &QPushButton::clicked, this, &PredictionPanel::useSingleCheckpoint);
    connect(members_, &QListWidget::currentRowChanged, this,
            [this](int row) { remove_member_->setEnabled(isEnsemble() && row >= 0); });
    return box;
}

void PredictionPanel::chooseEnsembleMember() {
    const QString start = ensemble_paths_.isEmpty()
                              ? QFileInfo(checkpointPath()).absolutePath()
                              : QFileInfo(ensemble_paths_.last()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Add to ensemble"), start,
                                                      tr("Checkpoints (*.pth);;All files (*)"));
    if (!path.isEmpty()) addToEnsemble(path);
}

void PredictionPanel::setCompact(bool compact) {
    if (compact == compact_) return;
    compact_ = compact;
    if (compact) {
        preview_row_->removeWidget(preview_);
        digit_row_->addWidget(preview_);
    } else {
        digit_row_->removeWidget(preview_);
        preview_row_->insertWidget(0, preview_);
    }
    preview_label_->setVisible(!compact);
    checkpoint_box_->setVisible(!compact);
    placeBars();
}

void PredictionPanel::placeBars() {
    // Compact: two columns of five, so ten rows of twice-sized text do not outgrow a 720 px
    // screen beside the canvas.
    const int rows = compact_ ? 5 : 10;
    for (int d = 0; d < 10; ++d) {
        bars_grid_->removeWidget(bar_labels_[d]);
        bars_grid_->removeWidget(bars_[d]);
    }
    for (int d = 0; d < 10; ++d) {
        const int column = 2 * (d / rows);
        bars_grid_->addWidget(bar_labels_[d], d % rows, column, Qt::AlignRight);
        bars_grid_->addWidget(bars_[d], d % rows, column + 1);
    }
    bars_grid_->setColumnStretch(1, 1);
    bars_grid_->setColumnStretch(3, compact_ ? 1 : 0);
}

void PredictionPanel::setLoadCheckpointAction(QAction* action) {
    auto* button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    static_cast<QHBoxLayout*>(checkpoint_row_->layout())->insertWidget(0, button);
}

QString PredictionPanel::checkpointPath() const {
    return predictor_ ? QString::fromStdString(predictor_->checkpoint_path()) : QString();
}

QString PredictionPanel::modelName() const {
    return predictor_ ? QString::fromStdString(predictor_->model()) : QString();
}

const QImage& PredictionPanel::previewImage() const {
    return preview_->image();
}

QString PredictionPanel::shownDigit() const {
    return digit_->text();
}

QString PredictionPanel::caption() const {
    return confidence_->text();
}

void PredictionPanel::setImage(const QImage& image) {
    pending_ = image;
    debounce_.start();
}

void PredictionPanel::predictPending() {
    const QImage image = pending_;
    // Let go of the canvas's pixels so its next stroke does not have to copy them.
    pending_ = QImage();
    predictImage(image);
}

void PredictionPanel::predictImage(const QImage& image) {
    debounce_.stop();
    answer([&image] { return mnist::preprocess_digit(toGrayImage(image)); });
}

void PredictionPanel::predictDigit(const mnist::PreprocessedDigit& digit) {
    debounce_.stop();
    pending_ = QImage();
    answer([&digit] { return digit; });
}

void PredictionPanel::answer(const std::function<mnist::PreprocessedDigit()>& input) {
    votes_.clear();
    try {
        const mnist::PreprocessedDigit digit = input();
        if (hasModel()) {
            last_ = predictWithModel(digit);
        } else {
            last_ = mnist::Prediction{};
            last_.input = digit;
            last_.blank = digit.blank;
        }
    } catch (const std::exception& e) {
        last_ = mnist::Prediction{};
        Q_EMIT errorOccurred(tr("Prediction failed"), QString::fromStdString(e.what()));
    }
    showPrediction();
    Q_EMIT predictionUpdated();
}

bool PredictionPanel::loadCheckpoint(const QString& path) {
    try {
        auto loaded = std::make_unique<mnist::Predictor>(path.toStdString());
        predictor_ = std::move(loaded);
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(
            tr("Cannot use this checkpoint"),
            tr("%1\n\nThe checkpoint in use did not change.").arg(refusal(path, e)));
        return false;
    }
    // A checkpoint chosen (or just trained) is the one to answer, alone.
    const bool had_ensemble = isEnsemble();
    ensemble_.reset();
    ensemble_paths_.clear();
    showCheckpoint();
    showEnsemble();
    Q_EMIT checkpointChanged(path);
    if (had_ensemble) Q_EMIT ensembleChanged();
    // Re-classify whatever is on the canvas with the new model; an empty canvas still needs its
    // text to change from "no model" to an invitation to draw.
    predictAgain();
    return true;
}

bool PredictionPanel::addToEnsemble(const QString& path) {
    QStringList paths = ensemble_paths_;
    if (!isEnsemble() && predictor_) paths << checkpointPath();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (const QString& member : paths) {
        if (QFileInfo(member).absoluteFilePath() == absolute) {
            Q_EMIT errorOccurred(
                tr("Cannot add this checkpoint"),
                tr("%1 is already in the ensemble.").arg(QDir::toNativeSeparators(path)));
            return false;
        }
    }
    return setEnsemble(paths << path);
}

bool PredictionPanel::setEnsemble(const QStringList& paths) {
    if (paths.isEmpty()) {
        useSingleCheckpoint();
        return true;
    }
    std::vector<std::string> files;
    for (const QString& p : paths) files.push_back(p.toStdString());
    try {
        ensemble_ = std::make_unique<mnist::Ensemble>(files);
    } catch (const std::exception& e) {
        // Ensemble names the first file that did not load.
        const QString reason = QString::fromStdString(e.what());
        Q_EMIT errorOccurred(tr("Cannot use this checkpoint"),
                             tr("%1\n\nThe checkpoints in use did not change.").arg(reason));
        return false;
    }
    ensemble_paths_ = paths;
    showCheckpoint();
    showEnsemble();
    Q_EMIT ensembleChanged();
    predictAgain();
    return true;
}

void PredictionPanel::removeFromEnsemble(int index) {
    if (index < 0 || index >= ensemble_paths_.size()) return;
    QStringList paths = ensemble_paths_;
    paths.removeAt(index);
    setEnsemble(paths);
}

void PredictionPanel::useSingleCheckpoint() {
    if (!isEnsemble()) return;
    ensemble_.reset();
    ensemble_paths_.clear();
    showCheckpoint();
    showEnsemble();
    Q_EMIT ensembleChanged();
    predictAgain();
}

mnist::Prediction PredictionPanel::predictWithModel(const mnist::PreprocessedDigit& digit) {
    if (!ensemble_) {
        votes_.clear();
        return predictor_->predict(digit);
    }
    mnist::EnsemblePrediction answer = ensemble_->predict(digit);
    votes_ = std::move(answer.members);
    return answer.combined;
}

void PredictionPanel::predictAgain() {
    const mnist::PreprocessedDigit input = last_.input;
    answer([&input] { return input; });
}

void PredictionPanel::showCheckpoint() {
    if (ensemble_) {
        checkpoint_->setText(tr("<b>Ensemble of %1 checkpoints</b> — their probabilities "
                                "averaged")
                                 .arg(ensemble_paths_.size()));
        checkpoint_->setToolTip(ensemble_paths_.join(QLatin1Char('\n')));
        return;
    }
    if (!predictor_) {
        checkpoint_->setText(tr("<b>No model loaded</b> — train one or use “Load checkpoint…”."));
        checkpoint_->setToolTip({});
        return;
    }
    const QString path = checkpointPath();
    const QString details = describeSidecar(path);
    checkpoint_->setText(
        QStringLiteral("<b>%1</b> — %2%3")
            .arg(modelName().toHtmlEscaped(), QFileInfo(path).fileName().toHtmlEscaped(),
                 details.isEmpty() ? QString() : QStringLiteral("<br>") + details.toHtmlEscaped()));
    checkpoint_->setToolTip(path);
}

void PredictionPanel::showEnsemble() {
    members_->clear();
    for (std::size_t i = 0; ensemble_ && i < ensemble_->members().size(); ++i) {
        const QString path = ensemble_paths_[static_cast<int>(i)];
        auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(
            QString::fromStdString(ensemble_->members()[i].model()), memberName(path)));
        item->setToolTip(path);
        members_->addItem(item);
    }
    members_->setVisible(isEnsemble());
    remove_member_->setVisible(isEnsemble());
    remove_member_->setEnabled(false);
    use_single_->setVisible(isEnsemble());
    use_single_->setToolTip(
        predictor_ ? tr("Predict with %1 alone again").arg(QFileInfo(checkpointPath()).fileName())
                   : tr("Stop using the ensemble"));
}

QString PredictionPanel::votesText() const {
    return votes_label_->isHidden()
               ? QString()
               : QTextDocumentFragment::fromHtml(votes_label_->text()).toPlainText();
}

void PredictionPanel::showVotes() {
    if (!ensemble_ || last_.blank || votes_.size() != ensemble_->members().size()) {
        votes_label_->clear();
        votes_label_->hide();
        return;
    }
    QString rows;
    for (std::size_t i = 0; i < votes_.size(); ++i) {
        const mnist::Prediction& vote = votes_[i];
        // A member that disagrees with the ensemble stands out.
        const bool agrees = vote.digit == last_.digit;
        rows += QStringLiteral(
                    "<tr><td>%1&nbsp;</td><td align=\"right\"><b%2>%3</b></td>"
                    "<td align=\"right\">&nbsp;%4 %</td></tr>")
                    .arg(memberName(ensemble_paths_[static_cast<int>(i)]).toHtmlEscaped(),
                         agrees ? QString() : QStringLiteral(" style=\"color:#c0392b\""))
                    .arg(vote.blank ? QStringLiteral("–") : QString::number(vote.digit))
                    .arg(vote.confidence * 100.0, 0, 'f', 1);
    }
    votes_label_->setText(tr("Votes:") + QStringLiteral("<table>%1</table>").arg(rows));
    votes_label_->show();
}

void PredictionPanel::showPrediction() {
    preview_->setImage(toQImage(last_.input));
    const int best = last_.blank ? -1 : last_.digit;
    for (int d = 0; d < 10; ++d) {
        const double p = last_.blank ? 0.0 : last_.probs[d];
        bars_[d]->setValue(static_cast<int>(p * kBarSteps + 0.5));
        bars_[d]->setFormat(last_.blank || !hasModel()
                                ? QString()
                                : QString::number(p * 100.0, 'f', 1) + QStringLiteral(" %"));
        const bool top = d == best;
        if (bars_[d]->property("top").toBool() != top) {
            bars_[d]->setProperty("top", top);
            bars_[d]->setStyleSheet(barStyle(top ? "#e6701a" : "#7aa6d6"));
        }
    }
    // A grey "?" while there is nothing to name; the answer itself in the text colour.
    digit_->setStyleSheet(best < 0 || !hasModel() ? QStringLiteral("color: #b0b0b0;") : QString());
    showVotes();
    if (!hasModel()) {
        digit_->setText(QStringLiteral("?"));
        confidence_->setText(tr("No model loaded — train one or Load checkpoint…"));
    } else if (last_.blank) {
        digit_->setText(QStringLiteral("?"));
        confidence_->setText(tr("Draw a digit on the canvas"));
    } else {
        digit_->setText(QString::number(last_.digit));
        confidence_->setText(tr("%1 % sure").arg(last_.confidence * 100.0, 0, 'f', 1));
    }
}

}  // namespace mnist::ui
