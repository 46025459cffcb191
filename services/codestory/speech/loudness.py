"""Loudness normalisation for speech, measured the way broadcasters and podcasts do.

pyloudnorm implements ITU-R BS.1770 (K-weighted, gated integrated loudness); spoken-word
platforms ask for about -16 LUFS. Synthetic speech has sharp peaks well above its average
level, so a look-ahead peak limiter holds them under -1 dBFS instead of lowering the whole
story (or clipping it).

pyloudnorm and scipy are imported when first used, in the pool process that speaks: they
are most of the audio worker's memory, and the supervising process never needs them.
"""

from __future__ import annotations

import array

import numpy as np

TARGET_LUFS = -16.0
PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS
MIN_MEASURABLE_SECONDS = 0.5  # BS.1770 gates in 400 ms blocks
LIMITER_WINDOW_SECONDS = 0.005  # long enough to avoid audible pumping, short for speech


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """LUFS of float samples in [-1, 1]; -inf for silence or audio too short to gate."""
    if len(samples) < sample_rate * MIN_MEASURABLE_SECONDS:
        return float("-inf")
    import pyloudnorm

    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def limit_peaks(signal: np.ndarray, sample_rate: int, ceiling: float = PEAK_CEILING) -> np.ndarray:
    """Turn down only the few milliseconds around each peak that would pass `ceiling`."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    window = max(int(sample_rate * LIMITER_WINDOW_SECONDS), 1)
    # The windowed maximum sees a peak before it arrives: the gain is already down.
    envelope = maximum_filter1d(np.abs(signal), size=2 * window + 1)
    gain = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-9))
    # Smooth the gain so it glides; a minimum filter first keeps the smoothing from
    # letting a peak through, and the final clip catches rounding.
    gain = uniform_filter1d(-maximum_filter1d(-gain, size=2 * window + 1), size=2 * window + 1)
    limited: np.ndarray = np.clip(signal * gain, -ceiling, ceiling)
    return limited


def normalise(
    samples: array.array[int], sample_rate: int, target_lufs: float = TARGET_LUFS
) -> array.array[int]:
    """16-bit samples brought to `target_lufs`, their peaks held under -1 dBFS."""
    signal = np.frombuffer(samples.tobytes(), dtype=np.int16).astype(np.float64) / 32768.0
    for _ in range(2):  # limiting takes a little loudness back; a second pass restores it
        measured = integrated_loudness(signal, sample_rate)
        if not np.isfinite(measured):
            return samples  # silence stays silence
        signal = limit_peaks(signal * 10 ** ((target_lufs - measured) / 20), sample_rate)
    scaled = np.clip(np.round(signal * 32768.0), -32768, 32767).astype(np.int16)
    return array.array("h", scaled.tobytes())
