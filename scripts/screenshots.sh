#!/usr/bin/env bash
# Retakes the README's screenshots (docs/screenshots/*.png) from the current build, in one command:
#   scripts/screenshots.sh [OUT_DIR]        (default: docs/screenshots)
# It runs mnist-studio under Xvfb at 1280x800 and at 1920x1080, drives it with xdotool (keys,
# clicks, a digit drawn with the mouse) and grabs the screen with ImageMagick's import:
#   augmentation_preview.png            the model panel: summary, recipe, augmentation preview
#   draw_and_predict.png                a digit drawn on the canvas and its prediction
#   draw_saliency.png                   the same with "Show saliency" (Ctrl+H): the heat map on it
#   inside_feature_maps.png             the Inside tab: what the first stage makes of that digit
#   inside_mistakes.png                 the Inside tab: the test set's confusion matrix and mistakes
#   photo_predict.png                   a phone-like photo opened with "Open image…" and the
#                                       28x28 the model sees (mnist-cli drawn-eval --style photo)
#   runs_compare.png                    the Runs tab: Model_3 without and with augmentation overlaid
#   training_in_progress.png            Model_3 training, curves moving (a short run on a slice)
#   training_in_progress_1920x1080.png  the same in a larger window
#   presentation_training_1920x1080.png the same in presentation mode (F11)
#   demo_model_1920x1080.png            the guided demo's first step: the model's layers
#   demo_draw_1920x1080.png             the guided demo's drawing step, a digit drawn
# Needs a build (scripts/build.sh) and MNIST (scripts/fetch_data.sh). Everything the app writes
# (settings, checkpoints) goes to a throw-away HOME, so your own settings are never touched.
# Environment: MNIST_BUILD_DIR (default build/), SHOTS_TRAIN_IMAGES (default 4000),
# SHOTS_TEST_IMAGES (default 1000), SHOTS_EPOCHS_SHOWN (default 5), SHOTS_SCORE_SECONDS (the
# wait for the Inside tab to score the 10,000 test images, default 20).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
script="$root/scripts/$(basename "$0")"

# --- Outside Xvfb: packages, a throw-away HOME, then one X session per screen size -------------
if [ "${1:-}" != "--session" ]; then
    out=$(mkdir -p "${1:-$root/docs/screenshots}" && cd "${1:-$root/docs/screenshots}" && pwd)
    build="${MNIST_BUILD_DIR:-$root/build}"
    for binary in mnist-studio mnist-cli; do
        if [ ! -x "$build/app/$binary" ]; then
            echo "screenshots: $build/app/$binary is missing; build first (scripts/build.sh)" >&2
            exit 1
        fi
    done

    "$root/scripts/install_packages.sh" screenshots xvfb xauth imagemagick xdotool

    work=$(mktemp -d "${TMPDIR:-/tmp}/mnist-screenshots.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    export SHOTS_OUT="$out" SHOTS_WORK="$work" SHOTS_BUILD="$build"
    # Qt's own file dialog, the same on every machine: no desktop's platform theme.
    unset XDG_CURRENT_DESKTOP DESKTOP_SESSION QT_QPA_PLATFORMTHEME QT_SCALE_FACTOR
    export QT_QPA_PLATFORM=xcb

    # The photographed digit for "Open image…", if this build's mnist-cli can make one.
    photo=""
    if "$build/app/mnist-cli" drawn-eval --style photo --count 1 --seed 7 \
        --save-samples "$work/photo" >"$work/photo.log" 2>&1; then
        photo=$(find "$work/photo" -name '*.jpg' -o -name '*.png' | sort | head -n 1)
    fi
    if [ -z "$photo" ]; then
        echo "screenshots: skipping photo_predict.png: this mnist-cli cannot write a photo" \
             "(drawn-eval --style photo --save-samples): $(tail -n 1 "$work/photo.log")" >&2
    fi
    export SHOTS_PHOTO="$photo"

    for size in 1280x800 1920x1080; do
        echo "screenshots: $size"
        xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$script" --session "$size"
    done
    echo "screenshots: written to $out"
    exit 0
fi

# --- Inside Xvfb: one screen size ---------------------------------------------------------------
size=$2
width=${size%x*}
height=${size#*x}
studio="$SHOTS_BUILD/app/mnist-studio"
limits=(--limit-train "${SHOTS_TRAIN_IMAGES:-4000}" --limit-test "${SHOTS_TEST_IMAGES:-1000}")
app_pid=""
window=""

stop_app() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
    fi
    app_pid=""
}
trap stop_app EXIT

# A fresh HOME with Model_3 chosen, as a newcomer would pick the recommended model; the recipe
# stays Model_3's own. `tab` is the tab the window opens on (0 Training, 1 Draw & Predict).
fresh_home() {
    local tab=$1
    export HOME="$SHOTS_WORK/home-$size"
    rm -rf "$HOME"
    export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
    export XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$HOME/.run"
    mkdir -p "$XDG_CONFIG_HOME/MNIST Studio" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
    chmod 700 "$XDG_RUNTIME_DIR"
    printf '[model]\ncurrent=Model_3\n\n[window]\ntab=%s\n' "$tab" \
        >"$XDG_CONFIG_HOME/MNIST Studio/mnist-studio.conf"
}

# Starts mnist-studio with `$@`, fills the screen with its window and gives it the keyboard.
start_app() {
    "$studio" "$@" >>"$SHOTS_WORK/studio-$size.log" 2>&1 &
    app_pid=$!
    window=$(timeout 60 xdotool search --sync --onlyvisible --pid "$app_pid" --name '^MNIST Studio$' |
             head -n 1) || true
    if [ -z "$window" ]; then
        echo "screenshots: mnist-studio did not open a window; its output:" >&2
        cat "$SHOTS_WORK/studio-$size.log" >&2
        exit 1
    fi
    xdotool windowmove --sync "$window" 0 0 windowsize --sync "$window" "$width" "$height"
    xdotool mousemove --sync $((width / 2)) $((height / 2)) windowfocus --sync "$window"
    sleep 3  # the bundled model, MNIST for the augmentation preview, the first paint
}

shoot() {
    import -window root "$SHOTS_OUT/$1"
    echo "screenshots:   $1"
}

# The canvas: the largest pure black area on screen ("WxH+X+Y").
canvas_geometry() {
    import -window root "$SHOTS_WORK/screen.png"
    convert "$SHOTS_WORK/screen.png" -fill white +opaque black \
        -define connected-components:verbose=true \
        -define connected-components:area-threshold=10000 -connected-components 4 null: |
        awk '/srgb\(0,0,0\)|gray\(0\)/ { if ($4 > best) { best = $4; geometry = $2 } }
             END { print geometry }'
}

# Draws a "2" with the mouse on the canvas: an arc over the top, a diagonal, a base line.
draw_two() {
    local geometry x y w h
    geometry=$(canvas_geometry)
    if [ -z "$geometry" ]; then
        echo "screenshots: no canvas on screen" >&2
        exit 1
    fi
    IFS='x+' read -r w h x y <<<"$geometry"
    local path
    path=$(awk -v x="$x" -v y="$y" -v w="$w" -v h="$h" 'BEGIN {
        pi = 3.14159265
        n = 0
        for (a = 200; a <= 390; a += 6) {                      # the arc, clockwise on screen
            px[n] = 0.50 + 0.19 * cos(a * pi / 180); py[n++] = 0.36 + 0.17 * sin(a * pi / 180)
        }
        sx = px[n - 1]; sy = py[n - 1]
        for (t = 1; t <= 12; t++) {                            # down to the bottom left
            px[n] = sx + (0.30 - sx) * t / 12; py[n++] = sy + (0.78 - sy) * t / 12
        }
        for (t = 1; t <= 8; t++) { px[n] = 0.30 + 0.42 * t / 8; py[n++] = 0.78 }   # the base
        printf "mousemove %d %d mousedown 1", x + px[0] * w, y + py[0] * h
        for (i = 1; i < n; i++) printf " mousemove %d %d sleep 0.01", x + px[i] * w, y + py[i] * h
        printf " mouseup 1\n"
    }')
    # shellcheck disable=SC2086  # the path is a list of xdotool commands
    xdotool $path
    sleep 1.5  # the prediction follows 150 ms after the last stroke
}

# Opens `$1` with File > Open image… (Ctrl+O), typing its name into Qt's file dialog.
open_image() {
    cp "$1" "$HOME/$(basename "$1")"
    xdotool key --clearmodifiers ctrl+o
    local dialog
    dialog=$(timeout 20 xdotool search --sync --onlyvisible --name 'Open image of a digit' |
             head -n 1) || true
    if [ -z "$dialog" ]; then
        echo "screenshots: the Open image dialog did not appear" >&2
        exit 1
    fi
    xdotool windowfocus --sync "$dialog"
    sleep 0.5
    xdotool type --delay 20 "$(basename "$1")"
    sleep 0.5
    # The first Return may only accept the completer's suggestion; a second one opens the file.
    for _ in 1 2 3; do
        xdotool search --onlyvisible --name 'Open image of a digit' >/dev/null || break
        xdotool key Return
        sleep 1
    done
    sleep 1
}

# Starts training (F5) and waits until `$1` epochs are in the history file, plus part of the next.
train_until() {
    local epochs=$1 history="$XDG_DATA_HOME/MNIST Studio/mnist-studio/history_Model_3.csv"
    xdotool key F5
    for _ in $(seq 1 600); do
        if [ -f "$history" ] && [ "$(($(wc -l <"$history") - 1))" -ge "$epochs" ]; then
            sleep 2
            return 0
        fi
        sleep 0.5
    done
    echo "screenshots: training did not reach epoch $epochs within 5 minutes; the app said:" >&2
    cat "$SHOTS_WORK/studio-$size.log" >&2
    exit 1
}

epochs_shown=${SHOTS_EPOCHS_SHOWN:-5}
if [ "$size" = 1280x800 ]; then
    fresh_home 0
    start_app
    sleep 2  # the augmentation preview samples MNIST on a worker thread
    shoot augmentation_preview.png

    xdotool key ctrl+2
    sleep 1
    draw_two
    shoot draw_and_predict.png
    xdotool key ctrl+h  # "Show saliency", off again before the Inside tab
    sleep 2
    shoot draw_saliency.png
    xdotool key ctrl+h

    # The Inside tab on the same digit, then the test set scored (Alt+4 its view, F6 Score).
    xdotool key ctrl+3
    sleep 3
    shoot inside_feature_maps.png
    xdotool key alt+4
    sleep 1
    xdotool key F6
    sleep "${SHOTS_SCORE_SECONDS:-20}"
    shoot inside_mistakes.png

    if [ -n "$SHOTS_PHOTO" ]; then
        open_image "$SHOTS_PHOTO"
        shoot photo_predict.png
    fi
    stop_app

    fresh_home 0
    start_app "${limits[@]}"
    train_until "$epochs_shown"
    shoot training_in_progress.png
    stop_app

    # The Runs tab: two mnist-cli runs in the app's own folder, ticked from the keyboard (Space,
    # Up, Space) and named (F2), as a class would compare them.
    fresh_home 3
    for augment in --no-augment --augment; do
        "$SHOTS_BUILD/app/mnist-cli" train --model Model_3 --epochs 3 "${limits[@]}" $augment \
            --out "$XDG_DATA_HOME/MNIST Studio/mnist-studio" >>"$SHOTS_WORK/cli-$size.log" 2>&1
    done
    start_app
    xdotool key space Up space F2 && xdotool type --delay 20 "without augmentation"
    xdotool key Return Down F2 && xdotool type --delay 20 "with augmentation"
    xdotool key Return
    sleep 2
    shoot runs_compare.png
    stop_app
else
    fresh_home 0
    start_app "${limits[@]}"
    train_until "$epochs_shown"
    shoot "training_in_progress_${size}.png"

    # Presentation mode (F11) on the same run, then Help > Guided demo: its first step (the
    # model's layers) and its drawing step with a digit drawn.
    xdotool key F11
    sleep 2
    shoot "presentation_training_${size}.png"
    xdotool key F12  # Help > Guided demo; presentation mode hides the menu bar
    sleep 2
    shoot "demo_model_${size}.png"
    xdotool key Right Right
    sleep 1
    draw_two
    shoot "demo_draw_${size}.png"
    stop_app
fi
