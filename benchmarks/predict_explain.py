"""Time to answer and explain one drawn digit with a trained CNN on the CPU (target: <= 300 ms).

The path a person's drawing takes: PNG bytes from the canvas -> checked and scaled (lab.predict) -> the
model's answer -> Integrated Gradients over the pixels (captum). The model is trained first (3 epochs) and
loaded once, as the page keeps it; each figure is the median and the 90th percentile over 30 drawings.

.venv/bin/python benchmarks/predict_explain.py
"""

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab.audit import load_trained  # noqa: E402
from lab.explain import explain_image  # noqa: E402
from lab.pipeline import prepare_data, run  # noqa: E402
from lab.predict import image_to_input  # noqa: E402
from lab.spec import RunSpec  # noqa: E402

CPU = torch.device("cpu")


def drawing(pixels: np.ndarray) -> bytes:
    """A test digit as a 280 x 280 canvas would send it: black strokes on a transparent background."""
    ink = Image.fromarray((pixels * 255).astype(np.uint8)).resize((280, 280), Image.Resampling.BICUBIC)
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    canvas.putalpha(ink)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def main() -> None:
    torch.set_num_threads(2)
    print(f"{'dataset':8} {'median ms':>10} {'p90 ms':>8}")
    for dataset in ("digits", "mnist"):
        spec = RunSpec(dataset, "cnn", epochs=3)
        _, weights = run(spec)
        data = prepare_data(spec, CPU)
        model = load_trained(spec, data.inputs, weights, CPU)
        times = []
        for pixels in data.test.x[:30, 0].numpy():
            png = drawing(pixels)
            started = time.perf_counter()
            x, _ = image_to_input(png, data.inputs, dataset=dataset)
            with torch.inference_mode():
                target = int(model(x).argmax())
            explain_image(model, x, target=target, classes=data.card.classes)
            times.append((time.perf_counter() - started) * 1000)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{dataset:8} {statistics.median(times):10.1f} {p90:8.1f}")


if __name__ == "__main__":
    main()
