"""The training worker process: takes specs from its inbox, trains, saves to the store, reports back.

It lives in its own module because a spawned process re-imports `__main__`, and under
`streamlit run` that would be a page script. It never touches Streamlit.
"""

import time
import traceback
from multiprocessing.sharedctypes import Synchronized

PROGRESS_EVERY_S = 0.25  # how often a running job reports; a page polls about once a second


def worker_main(index: int, inbox, outbox, cancel_id, store_url: str, threads: int) -> None:
    """Run jobs until a `None` arrives in the inbox.

    Parameters
    ----------
    index : which worker this is, echoed in every message
    inbox : queue of (job_id, spec_dict) or None
    outbox : queue shared by all workers, drained by the JobRunner's thread
    cancel_id : shared byte array; the job whose id it holds should stop between batches
    store_url : where finished runs are saved
    threads : torch intra-op threads; more workers than cores would oversubscribe them
    """
    import torch

    from lab.config import load_settings
    from lab.meter import CostMeter
    from lab.pipeline import run
    from lab.spec import RunSpec, SpecError
    from lab.store import RunStore
    from lab.training import Cancelled, TrainingStopped

    torch.set_num_threads(threads)
    store = RunStore(store_url)
    with CostMeter(load_settings(), torch.device("cpu")):
        pass  # codecarbon probes the hardware once per process (~2 s): do it now, not in someone's first run
    while (message := inbox.get()) is not None:
        job_id, spec_dict = message
        try:
            result, weights = run(
                RunSpec.from_dict(spec_dict),
                on_progress=_throttled(outbox, job_id),
                should_stop=lambda job_id=job_id: _cancelled(cancel_id, job_id),
            )
            store.save(result, weights=weights)
            outbox.put(("done", index, job_id, result.run_id))
        except Cancelled as stop:
            outbox.put(("cancelled", index, job_id, str(stop)))
        except (TrainingStopped, SpecError) as stop:
            outbox.put(("failed", index, job_id, str(stop)))
        except Exception as error:  # a bug or an exhausted machine: say so, keep serving
            traceback.print_exc()
            outbox.put(
                (
                    "failed",
                    index,
                    job_id,
                    f"Something went wrong inside the lab ({type(error).__name__}: {error}). "
                    "Nothing else was affected; the details are in the server log.",
                )
            )


def _cancelled(cancel_id: Synchronized, job_id: str) -> bool:
    return cancel_id.value.decode() == job_id


def _throttled(outbox, job_id: str):
    """A progress callback that sends at most one update per PROGRESS_EVERY_S, and every change of stage or epoch."""
    last = {"sent": 0.0, "step": None}

    def send(progress) -> None:
        now = time.monotonic()
        step = (progress.stage, progress.epoch)
        if step == last["step"] and now - last["sent"] < PROGRESS_EVERY_S:
            return
        last["sent"], last["step"] = now, step
        history = [h.__dict__ for h in progress.history]
        outbox.put(("progress", job_id, progress.stage, progress.epoch, progress.epochs, progress.fraction, history))

    return send
