"""Which processor trains: a CUDA GPU when present, else Apple's MPS, else the CPU."""

import os

import torch


def pick_device() -> torch.device:
    """The fastest device this machine has; AIL_DEVICE=cpu forces the CPU."""
    forced = os.environ.get("AIL_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    """A name a person recognises: 'NVIDIA H100 80GB HBM3 (GPU)' or 'CPU, 2 cores'."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (GPU)"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU, {os.cpu_count()} cores"


def synchronize(device: torch.device) -> None:
    """Wait for queued accelerator work, so a wall clock measures the work and not its launch."""
    if device.type != "cpu":
        torch.accelerator.synchronize(device)
