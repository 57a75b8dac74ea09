#pragma once
// A number in a message or a list as the user would type it: %g ("1e-05", "0.999", "nan"), not
// std::to_string's "0.000010". Plain C++.
#include <cstdio>
#include <string>

namespace mnist {

inline std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

}  // namespace mnist
