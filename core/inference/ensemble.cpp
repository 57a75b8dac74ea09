#include "core/inference/ensemble.h"

#include "core/errors.h"

namespace mnist {

Ensemble::Ensemble(const std::vector<std::string>& checkpoint_paths) {
    if (checkpoint_paths.empty())
        throw InvalidArgument("an ensemble needs at least one checkpoint");
    members_.reserve(checkpoint_paths.size());
    for (const auto& path : checkpoint_paths) members_.emplace_back(path);
}

EnsemblePrediction Ensemble::predict(const GrayImage& image) const {
    return predict(preprocess_digit(image));
}

EnsemblePrediction Ensemble::predict(const PreprocessedDigit& digit) const {
    EnsemblePrediction out;
    out.combined.input = digit;
    out.combined.blank = digit.blank;
    out.members.reserve(members_.size());
    for (const auto& member : members_) out.members.push_back(member.predict(digit));
    if (digit.blank) return out;
    if (out.members.size() == 1) {  // one member is that checkpoint's answer, bit for bit
        out.combined = out.members.front();
        return out;
    }
    for (const auto& p : out.members)
        for (int d = 0; d < 10; ++d) out.combined.probs[d] += p.probs[d] / out.members.size();
    int best = 0;
    for (int d = 1; d < 10; ++d)
        if (out.combined.probs[d] > out.combined.probs[best]) best = d;
    out.combined.digit = best;
    out.combined.confidence = out.combined.probs[best];
    return out;
}

}  // namespace mnist
