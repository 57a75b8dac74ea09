#pragma once
// The records of a torch.save zip (data.pkl, data/0, ...) read into a map and written back, so a
// test can damage one record of a real checkpoint and see what the loader makes of it.
#include <caffe2/serialize/inline_container.h>

#include <map>
#include <string>

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

}  // namespace test_support
