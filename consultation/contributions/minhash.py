"""MinHash signatures of texts and their LSH band keys: near-duplicates without comparing pairs.

A text becomes the set of its word 5-shingles after normalisation (case, accents, punctuation,
quoted replies and simple mail signatures do not count). Two texts' Jaccard similarity — shared
shingles over all shingles — is estimated by the share of equal positions in their signatures.
Everything here is pure computation, vectorised with numpy over a chunk of texts; the database
side lives in `similarity.py`.

Every hash is stable across processes, machines and library versions (signatures are stored):
words go through zlib.crc32, shingles and band keys through fixed multiply-xorshift mixing, and
the permutations come from a hand-written splitmix64 sequence, not from a random generator whose
stream numpy may change.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from itertools import chain

import numpy as np

#: Words per shingle: five keeps "the same sentences" apart from "the same vocabulary".
SHINGLE_WORDS = 5
PERMUTATIONS = 128
#: LSH banding: the 128 minimums cut into 16 bands of 8 rows. Two texts become candidates when
#: at least one band is equal, with probability 1 - (1 - s**8)**16 for a Jaccard similarity s:
#:   s = 0.5: 6 %   0.6: 24 %   0.7: 61 %   0.8: 95 %   0.85: 99.3 %   0.9: 99.99 %
#: The S-curve's midpoint (1/16)**(1/8) ≈ 0.71 sits below the threshold on purpose: a missed
#: candidate is a missed group, while a needless one costs one vectorised comparison. 8 bands
#: of 16 rows would miss 80 % of the pairs at 0.8; 32 bands of 4 rows would flood the
#: verification with texts that merely share a subject (25 % of the pairs at 0.4).
BANDS, ROWS = 16, 8
#: Estimated Jaccard similarity from which two texts are near-duplicates.
THRESHOLD = 0.8
#: Largest prime below 2**32: (a * x + b) mod PRIME with a, b, x < PRIME fits in 64 bits.
PRIME = 4_294_967_291
#: The signature of a text without any word: matches nothing, has no band.
EMPTY = np.uint32(0xFFFFFFFF)

_MASK64 = (1 << 64) - 1
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
#: The "-- " line that opens a mail signature, and everything after it.
_SIGNATURE_BLOCK = re.compile(r"^--[ \t]*$.*", re.MULTILINE | re.DOTALL)
_SENT_FROM = re.compile(
    r"^[ \t]*(envoy[ée] (de|depuis) (mon|ma|un|une)|sent from my)\b.*$",
    re.MULTILINE,
)
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]+")
#: Punctuation and symbols beyond ASCII (« » ’ — …): separators, like ASCII punctuation below.
_OTHER_SEPARATORS = re.compile(r"[^\x00-\x7f\w]+")
#: Bytes kept in words: ASCII letters and digits, and every byte of a non-ASCII letter (œ, ß…).
_WORD_BYTES = bytes(
    byte if (48 <= byte <= 57 or 97 <= byte <= 122 or byte >= 128) else 32 for byte in range(256)
)


def words(text: str) -> list[bytes]:
    """The words of a text as compared: lower case, no accent, no punctuation, no quoted reply.

    Each pattern runs only when its marker is in the text: most texts hold none of them.
    """
    text = text.lower()
    if ">" in text:
        text = _QUOTED_LINE.sub(" ", text)
    if "--" in text:
        text = _SIGNATURE_BLOCK.sub(" ", text)
    if "envoy" in text or "sent from" in text:
        text = _SENT_FROM.sub(" ", text)
    if not text.isascii():
        text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))
        text = _OTHER_SEPARATORS.sub(" ", text)
    return text.encode().translate(_WORD_BYTES).split()


def signatures(texts: list[str]) -> np.ndarray:
    """One row of PERMUTATIONS uint32 minimums per text (EMPTY for a text without words)."""
    shingles, counts = _shingles([words(text) for text in texts])
    result = np.full((len(texts), PERMUTATIONS), EMPTY, dtype=np.uint32)
    filled = counts > 0
    if not filled.any():
        return result
    starts = np.concatenate(([0], np.cumsum(counts[filled])[:-1]))
    values = np.empty(len(shingles), dtype=np.uint64)
    for column, (a, b) in enumerate(zip(_A, _B, strict=True)):
        np.multiply(shingles, a, out=values)
        np.add(values, b, out=values)
        np.remainder(values, _PRIME, out=values)
        result[filled, column] = np.minimum.reduceat(values, starts)
    return result


def _shingles(texts: list[list[bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """Every text's shingle hashes (below PRIME), end to end, and how many each text has.

    A text of fewer than five words is one shingle: the whole text.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    hashes = np.fromiter(
        map(zlib.crc32, chain.from_iterable(texts)), dtype=np.uint64, count=int(lengths.sum())
    )
    windows = _combine(
        [hashes[k : len(hashes) - SHINGLE_WORDS + 1 + k] for k in range(SHINGLE_WORDS)]
        if len(hashes) >= SHINGLE_WORDS
        else []
    )
    pieces, start = [], 0
    for length in lengths.tolist():
        if length >= SHINGLE_WORDS:
            pieces.append(windows[start : start + length - SHINGLE_WORDS + 1])
        elif length:
            pieces.append(_combine([hashes[start + k : start + k + 1] for k in range(length)]))
        start += length
    counts = np.maximum(lengths - SHINGLE_WORDS + 1, np.minimum(lengths, 1))
    shingles = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint64)
    return shingles % _PRIME, counts


def _combine(columns: list[np.ndarray]) -> np.ndarray:
    """A 32-bit hash of each row of word hashes (a polynomial, then murmur3's 64-bit finaliser)."""
    combined = np.full(len(columns[0]) if columns else 0, len(columns), dtype=np.uint64)
    for column in columns:
        combined = (combined * _WORD_MULTIPLIER) ^ column
    return _finalise(combined) >> np.uint64(32)


def band_keys(signature_rows: np.ndarray, consultation_ids: np.ndarray) -> np.ndarray:
    """BANDS signed 64-bit keys per signature; the consultation is part of the key, so texts of
    two consultations never share a band."""
    rows = signature_rows.reshape(len(signature_rows), BANDS, ROWS).astype(np.uint64)
    band_numbers = np.arange(BANDS, dtype=np.uint64)
    keys = consultation_ids.astype(np.uint64)[:, None] * _WORD_MULTIPLIER + band_numbers[None, :]
    for row in range(ROWS):
        keys = (keys * _WORD_MULTIPLIER) ^ rows[:, :, row]
    return _finalise(keys).view(np.int64)


def estimated_similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of each pair of rows: the share of equal minimums."""
    return (left == right).mean(axis=-1)


def is_empty(signature_row: np.ndarray) -> bool:
    return bool((signature_row == EMPTY).all())


def to_bytes(signature_row: np.ndarray) -> bytes:
    return signature_row.astype("<u4").tobytes()


def from_bytes(stored: bytes) -> np.ndarray:
    return np.frombuffer(stored, dtype="<u4").astype(np.uint32)


def _finalise(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _splitmix64(state: int) -> tuple[int, int]:
    state = (state + 0x9E3779B97F4A7C15) & _MASK64
    value = state
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return state, value ^ (value >> 31)


def _permutations(seed: int = 2026) -> tuple[list[np.uint64], list[np.uint64]]:
    """The fixed (a, b) of each permutation x -> (a * x + b) mod PRIME, with a != 0."""
    state, coefficients = seed, []
    for _ in range(2 * PERMUTATIONS):
        state, value = _splitmix64(state)
        coefficients.append(value % PRIME)
    a = [np.uint64(value or 1) for value in coefficients[:PERMUTATIONS]]
    return a, [np.uint64(value) for value in coefficients[PERMUTATIONS:]]


_A, _B = _permutations()
_PRIME = np.uint64(PRIME)
_WORD_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
