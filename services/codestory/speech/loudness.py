"""Loudness normalisation for speech, measured the way broadcasters and podcasts do.

pyloudnorm implements ITU-R BS.1770 (K-weighted, gated integrated loudness); spoken-word
platforms ask for about -16 LUFS. Synthetic speech has sharp peaks well above its average
level, so a look-ahead peak limiter holds them under -1 dBFS instead of lowering the whole
story (or clipping it).

Each chapter is levelled on its own, as soon as it is spoken, rather than the whole story
at once: a gain measured over the whole story is known only once the last chapter is
spoken, so nothing could be encoded before, and the whole story's samples (as floats)
were held at once. For one voice reading one kind of text, chapters levelled to the same
target sound alike to a listener (the same level, where a story-wide gain leaves each
chapter's own small difference in place), and a story of chapters each at the target is
at the target too: the gated blocks of all its chapters have the same mean energy.
scripts/bench_chapters.py measures both ways on real stories (docs/benchmarks.md).

pyloudnorm (and with it scipy) is imported when first used, in the pool process that
speaks: it is most of the audio worker's memory, and the supervising process never needs it.
"""

from __future__ import annotations

import array

import numpy as np

TARGET_LUFS = -16.0
PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS
MIN_MEASURABLE_SECONDS = 0.5  # BS.1770 gates in 400 ms blocks
LIMITER_WINDOW_SECONDS = 0.005  # long enough to avoid audible pumping, short for speech
CLOSE_ENOUGH_LU = 0.4  # under the ~1 LU a listener can tell apart


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """LUFS of float samples in [-1, 1]; -inf for silence or audio too short to gate."""
    if len(samples) < sample_rate * MIN_MEASURABLE_SECONDS:
        return float("-inf")
    import pyloudnorm

    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def limit_peaks(signal: np.ndarray, sample_rate: int, ceiling: float = PEAK_CEILING) -> np.ndarray:
    """Turn down only the few milliseconds around each peak that would pass `ceiling`.

    Worked out on blocks of one limiter window rather than per sample (a story is millions
    of samples; per-sample sliding filters were most of the audio stage): each block's
    gain allows for its neighbours' peaks (look-ahead), is held down over the next
    neighbours and averaged, so the gain at and around every peak is already low enough
    when it arrives; from one block's start to the next it glides linearly.
    """
    window = max(int(sample_rate * LIMITER_WINDOW_SECONDS), 1)
    if len(signal) == 0:
        return signal
    blocks = -(-len(signal) // window)
    padded = np.zeros(blocks * window)
    padded[: len(signal)] = np.abs(signal)
    peaks = padded.reshape(blocks, window).max(axis=1)
    gain = np.minimum(1.0, ceiling / np.maximum(_neighbours(peaks, np.maximum), 1e-9))
    gain = _neighbours(gain, np.minimum)
    gain = _neighbours(gain, np.add) / 3
    # Linear from each block's start to the next's; a broadcast, not a search per sample.
    ends = np.append(gain[1:], gain[-1])
    ramp = np.arange(window) / window
    per_sample = (gain[:, None] + (ends - gain)[:, None] * ramp[None, :]).ravel()[: len(signal)]
    limited: np.ndarray = np.clip(signal * per_sample, -ceiling, ceiling)
    return limited


def _neighbours(values: np.ndarray, pick: np.ufunc) -> np.ndarray:
    """Each value combined with the one before and after it (edges repeated)."""
    edged = np.pad(values, 1, mode="edge")
    result: np.ndarray = pick(pick(edged[:-2], edged[1:-1]), edged[2:])
    return result


def normalise(
    samples: array.array[int], sample_rate: int, target_lufs: float = TARGET_LUFS
) -> array.array[int]:
    """16-bit samples brought to `target_lufs`, their peaks held under -1 dBFS."""
    signal = np.frombuffer(samples.tobytes(), dtype=np.int16).astype(np.float64) / 32768.0
    for attempt in range(2):  # limiting takes a little loudness back; a second pass restores it
        measured = integrated_loudness(signal, sample_rate)
        if not np.isfinite(measured):
            return samples  # silence stays silence
        if attempt and abs(measured - target_lufs) <= CLOSE_ENOUGH_LU:
            break  # the limiter took back too little to hear: spare a second pass
        signal = limit_peaks(signal * 10 ** ((target_lufs - measured) / 20), sample_rate)
    scaled = np.clip(np.round(signal * 32768.0), -32768, 32767).astype(np.int16)
    return array.array("h", scaled.tobytes())
