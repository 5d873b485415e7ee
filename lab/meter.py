"""Measuring a run while it happens: wall time, peak memory and energy, and the energy of 1 000 answers.

Energy comes from codecarbon's offline tracker. It reads a power sensor where the machine exposes one
(RAPL counters for the CPU, NVML for an NVIDIA GPU) and otherwise models power from the CPU's load and
rated power; `CostMeter.energy_method` says which, and `energy_source` says it in words.
Energy per 1 000 answers is measured the same way, on a short loop of single answers (`measure_answer_energy`).
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from types import TracebackType
from typing import Any

import psutil
import torch
from torch import nn

from lab.config import Settings
from lab.device import synchronize
from lab.result import EnergyMethod

MB = 2**20

# When codecarbon cannot run at all we still owe the class a figure: codecarbon's own last resort,
# a generic 85 W CPU (its POWER_CONSTANT) at 50% load (its CONSUMPTION_PERCENTAGE_CONSTANT).
FALLBACK_WATTS = 85 * 0.5

# How often codecarbon reads the power (its default is 15 s). At 1 s or less a run of a few seconds gets
# several readings, and a run shorter than the interval is still measured: stop() reads what is left.
MEASURE_POWER_SECONDS = 1.0

# How long the single answers run under the meter to measure the energy of 1 000 answers: long enough for
# codecarbon to read a difference, short enough to add well under 1.5 s to every run.
ANSWER_LOOP_SECONDS = 0.5

# How often the memory sampler reads the process's resident memory.
MEMORY_SAMPLE_SECONDS = 0.05


def _describe_part(hardware: Any) -> tuple[bool, str]:
    """Whether one of codecarbon's hardware objects reads a sensor, and what it does, in words.

    codecarbon has no public way to say which sensor it used, so we read its hardware objects
    (codecarbon.external.hardware in 3.3.2): the class name and, for a CPU, its `_mode` and `_tdp`.
    """
    kind = type(hardware).__name__
    mode = getattr(hardware, "_mode", "")
    tdp = getattr(hardware, "_tdp", None)
    rated = f"a rated power of {tdp:g} W" if isinstance(tdp, int | float) else "an unknown rated power"
    if getattr(hardware, "_is_generic_tdp", False):
        rated += " (a generic figure: codecarbon does not know this CPU model)"
    if kind == "RAM":
        return False, "RAM: estimated from the memory this process holds (codecarbon's ~5 W per module)"
    if kind == "GPU":
        devices = getattr(getattr(hardware, "devices", None), "devices", [])
        sensor = "AMD SMI" if any(type(d).__name__.startswith("AMD") for d in devices) else "NVML"
        return True, f"GPU: its power sensor ({sensor})"
    if kind in ("AppleSiliconChip", "Raspberry"):
        return True, f"{getattr(hardware, 'chip_part', 'chip')}: the chip's power sensor"
    if mode in ("intel_rapl", "windows_emi", "intel_power_gadget"):
        return True, "CPU: its power counters (RAPL)"
    if mode == "cpu_load":
        return False, f"CPU: estimated from this process's CPU time x {rated}"
    return False, f"CPU: estimated as 50% of {rated}"


def describe_energy(hardware: list[Any]) -> tuple[EnergyMethod, str]:
    """Say "measured" when every processor codecarbon tracked reads a power sensor, else "estimated".

    RAM is always modelled, never measured, so it does not decide the method.
    """
    parts = [_describe_part(h) for h in hardware]
    processors = [sensor for h, (sensor, _) in zip(hardware, parts, strict=True) if type(h).__name__ != "RAM"]
    method: EnergyMethod = "measured" if processors and all(processors) else "estimated"
    return method, "; ".join(text for _, text in parts)


def _serialise_measurements(tracker: Any) -> None:
    """Make codecarbon's periodic measurement and the one at stop() take turns.

    In codecarbon 3.3.2 both read the time of the last measurement before either updates it, so a
    stop() that lands while the 1 s timer is measuring counts that second twice (seen here: a 1.01 s
    run reported twice its RAM energy). Under a lock, the second one measures only what is left.
    """
    lock = threading.Lock()
    measure = tracker._measure_power_and_energy

    def measure_in_turn() -> None:
        with lock:
            measure()

    tracker._measure_power_and_energy = measure_in_turn  # the call in start() and stop()
    tracker._scheduler.function = measure_in_turn  # the timer, which holds the bound method


class CostMeter:
    """Measures the wall time, peak memory and energy of the code run inside its `with` block.

    `with CostMeter(settings, device) as meter: train()`, then read `meter.seconds`, `meter.energy_kwh`...
    """

    def __init__(self, settings: Settings, device: torch.device) -> None:
        self._settings = settings
        self._device = device
        self._process = psutil.Process()
        self._stop_sampling = threading.Event()
        self._sampler = threading.Thread(target=self._sample_memory, name="cost-meter-memory", daemon=True)
        self._peak_rss = 0
        self._tracker: Any = None
        self._tracker_error = ""
        self._start = 0.0
        self.seconds = 0.0
        self.peak_memory_mb = 0.0
        self.gpu_peak_memory_mb: float | None = None
        self.energy_kwh = 0.0
        self.energy_method: EnergyMethod = "estimated"
        self.energy_source = ""
        self.tracked = False  # True when the energy is codecarbon's, False when it is the fallback estimate

    @property
    def watts(self) -> float:
        """The average power over the block, in watts (energy / time)."""
        return self.energy_kwh * 3.6e6 / self.seconds if self.seconds > 0 else 0.0

    def __enter__(self) -> "CostMeter":
        self._peak_rss = self._process.memory_info().rss
        self._sampler.start()
        if self._device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self._device)
        # The tracker starts before the clock: its first start in a process probes the hardware
        # (about 2 s), which is not the run's time.
        self._tracker = self._start_tracker()
        self._start = perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            synchronize(self._device)  # queued GPU work belongs to this run's time
        finally:  # a failed GPU must not leave the tracker's timers and the sampler running
            self.seconds = perf_counter() - self._start
            self._read_energy()
            self._stop_sampling.set()
            self._sampler.join()
        self._peak_rss = max(self._peak_rss, self._process.memory_info().rss)
        self.peak_memory_mb = self._peak_rss / MB
        if self._device.type == "cuda":
            self.gpu_peak_memory_mb = torch.cuda.max_memory_allocated(self._device) / MB

    def _sample_memory(self) -> None:
        """Keep the highest resident memory seen; runs on the sampler thread until exit."""
        while not self._stop_sampling.wait(MEMORY_SAMPLE_SECONDS):
            self._peak_rss = max(self._peak_rss, self._process.memory_info().rss)

    def _start_tracker(self) -> Any:
        """Start codecarbon's offline tracker, or return None and remember why it could not start."""
        try:
            from codecarbon import OfflineEmissionsTracker  # heavy: imported only when a run starts

            # codecarbon logs at INFO while it is built, before it applies log_level.
            logging.getLogger("codecarbon").setLevel(logging.ERROR)
            tracker = OfflineEmissionsTracker(
                country_iso_code=self._settings.country,
                measure_power_secs=MEASURE_POWER_SECONDS,
                # "process": several runs share a classroom server; "machine" would charge each run
                # for the whole machine (the other runs and the web server included).
                tracking_mode="process",
                log_level="error",
                output_methods=[],  # no emissions.csv, no API: save_to_file=False, without its deprecation
                emissions_endpoint=None,
                allow_multiple_runs=True,  # no lock file: worker processes track at the same time
            )
            _serialise_measurements(tracker)
            tracker.start()
        except Exception as error:  # codecarbon must never cost a run
            self._tracker_error = f"{type(error).__name__}: {error}"
            return None
        return tracker

    def _read_energy(self) -> None:
        """Stop the tracker and keep its energy, or fall back to a stated estimate."""
        data = None
        if self._tracker is not None:
            try:
                self._tracker.stop()
                # stop() swallows its own errors; then it leaves no final data behind.
                data = getattr(self._tracker, "final_emissions_data", None)
            except Exception as error:
                self._tracker_error = f"{type(error).__name__}: {error}"
        if data is not None and data.energy_consumed > 0:
            self.energy_kwh = float(data.energy_consumed)
            self.energy_method, self.energy_source = describe_energy(self._tracker._hardware)
            self.tracked = True
            return
        reason = self._tracker_error or "codecarbon measured nothing (a run shorter than its 50 ms step?)"
        self.energy_kwh = self.seconds * FALLBACK_WATTS / 3.6e6
        self.energy_method = "estimated"
        self.energy_source = (
            f"estimated: {FALLBACK_WATTS:g} W (a generic 85 W CPU at half load) x {self.seconds:.2f} s, "
            f"because {reason}"
        )


@dataclass(frozen=True)
class AnswerEnergy:
    """The energy of 1 000 answers given one at a time, and how it was obtained."""

    kwh_per_1000: float
    method: EnergyMethod  # "measured" only when a power sensor was read during the answers
    source: str  # how, in words


def measure_answer_energy(
    answer: Callable[[], object],
    *,
    device: torch.device,
    settings: Settings,
    latency_ms: float,
    training_watts: float,
    seconds: float = ANSWER_LOOP_SECONDS,
) -> AnswerEnergy:
    """The energy of 1 000 answers: single answers in a loop of `seconds` under the meter, scaled to 1 000.

    When codecarbon cannot measure the loop, the figure is derived instead: the time per answer x the average
    power the meter saw while training; its words say so.

    Parameters
    ----------
    answer : gives one answer to one sample (a forward pass on a batch of one).
    device : where the answers run; queued GPU work is waited for before the meter stops.
    settings : the meter's settings.
    latency_ms : the median time of one answer (`measure_latency_ms`), for the derived figure.
    training_watts : the average power while training (`CostMeter.watts`), for the derived figure.
    seconds : how long to loop; one answer always runs, however long it takes.
    """
    answer()  # warm-up: the first call pays one-off set-up
    count = 0
    with CostMeter(settings, device) as meter:
        deadline = perf_counter() + seconds
        while count == 0 or perf_counter() < deadline:
            answer()
            count += 1
    if meter.tracked:
        return AnswerEnergy(
            meter.energy_kwh / count * 1000,
            meter.energy_method,
            f"{meter.energy_method}: {count:,} answers one at a time in {meter.seconds:.2f} s, scaled to 1 000 "
            f"({meter.energy_source})",
        )
    return AnswerEnergy(
        latency_ms / 1000 * training_watts * 1000 / 3.6e6,
        "estimated",
        f"estimated, derived: {latency_ms:.3g} ms per answer x {training_watts:.3g} W (the average power while "
        f"training) x 1 000, because codecarbon could not measure {meter.seconds:.2f} s of answers",
    )


def measure_model_answer_energy(
    model: nn.Module, example: torch.Tensor, *, settings: Settings, latency_ms: float, training_watts: float
) -> AnswerEnergy:
    """`measure_answer_energy` for a torch model, in evaluation mode and without gradients (restored after)."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return measure_answer_energy(
                lambda: model(example),
                device=example.device,
                settings=settings,
                latency_ms=latency_ms,
                training_watts=training_watts,
            )
    finally:
        model.train(was_training)
