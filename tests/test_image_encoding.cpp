// PNG and JPEG encoding (core/image/image_encoding.h): what write_png writes reads back pixel for
// pixel, and a file that cannot be written is named.
#include <QTemporaryDir>
#include <QtTest>

#include "core/errors.h"
#include "core/image/image_encoding.h"
#include "core/inference/image_file.h"

class TestImageEncoding : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void grayPngReadsBack() {
        QTemporaryDir dir;
        mnist::GrayImage image;
        image.width = 7;
        image.height = 3;
        for (int i = 0; i < 21; ++i) image.pixels.push_back(static_cast<std::uint8_t>(i * 12));
        const std::string path = dir.path().toStdString() + "/g.png";
        mnist::write_png(image, path);
        const auto back = mnist::load_image_file(path);
        QCOMPARE(back.width, 7);
        QCOMPARE(back.height, 3);
        QCOMPARE(back.pixels, image.pixels);
    }

    void rgbPngReadsBackAsLuminance() {
        QTemporaryDir dir;
        mnist::RgbImage image(2, 1);
        const std::uint8_t red[3] = {255, 0, 0}, grey[3] = {90, 90, 90};
        std::copy(red, red + 3, image.at(0, 0));
        std::copy(grey, grey + 3, image.at(1, 0));
        const std::string path = dir.path().toStdString() + "/c.png";
        mnist::write_png(image, path);
        const auto back = mnist::load_image_file(path);
        QCOMPARE(back.pixels, (std::vector<std::uint8_t>{76, 90}));  // 0.299 * 255, and the grey
    }

    void unwritablePathIsNamed() {
        mnist::GrayImage image;
        image.width = image.height = 1;
        image.pixels = {0};
        const std::string path = "/nonexistent-folder-for-mnist-test/x.png";
        try {
            mnist::write_png(image, path);
            QFAIL("no exception");
        } catch (const mnist::DataError& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
        }
        image.pixels.clear();
        QVERIFY_EXCEPTION_THROWN(mnist::write_png(image, "/tmp/never.png"), mnist::DataError);
    }

    void jpegDecodes() {
        mnist::RgbImage image(16, 16, 200);
        const auto bytes = mnist::encode_jpeg(image, 90);
        const auto back = mnist::decode_image(bytes.data(), bytes.size(), "jpeg");
        QCOMPARE(back.width, 16);
        QVERIFY(std::abs(int(back.at(5, 5)) - 200) <= 2);
    }
};

QTEST_GUILESS_MAIN(TestImageEncoding)
#include "test_image_encoding.moc"
