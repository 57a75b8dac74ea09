#pragma once
// Helpers of the checkpoint tests: the records of a torch.save zip (data.pkl, data/0, ...) read
// into a map and written back, so a test can damage one record of a real checkpoint, and the
// message a load fails with.
#include <caffe2/serialize/inline_container.h>

#include <functional>
#include <map>
#include <string>

#include "core/errors.h"

namespace test_support {

using Records = std::map<std::string, std::string>;

// The records of a torch.save zip, without its folder name.
inline Records read_records(const std::string& path) {
    caffe2::serialize::PyTorchStreamReader reader(path);
    Records records;
    for (const auto& name : reader.getAllRecords()) {
        auto [data, size] = reader.getRecord(name);
        records[name] = std::string(static_cast<const char*>(data.get()), size);
    }
    return records;
}

inline void write_records(const std::string& path, Records records) {
    records.erase("version");  // the writer adds it
    caffe2::serialize::PyTorchStreamWriter writer(path);
    for (const auto& [name, data] : records) writer.writeRecord(name, data.data(), data.size());
    writer.writeEndOfFile();
}

// The CheckpointError's message when `load` throws one; "no CheckpointError" otherwise.
inline std::string message_of(const std::function<void()>& load) {
    try {
        load();
    } catch (const mnist::CheckpointError& e) {
        return e.what();
    }
    return "no CheckpointError";
}

}  // namespace test_support
