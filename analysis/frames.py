"""Small DataFrame and Arrow helpers shared by every stage.

    >>> import pandas as pd
    >>> isin(pd.Series(["a", "b"], dtype="string"), ["b"]).tolist()
    [False, True]
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def isin(values: pd.Series, other: object) -> np.ndarray:
    """``values.isin(other)`` as a numpy bool array, fast for pyarrow-backed string columns.

    pandas 3's ``ArrowStringArray.isin`` turns every element of ``other`` into a pyarrow scalar in
    Python; this passes ``other`` to ``pyarrow.compute.is_in`` as one array (same result: nulls
    match nulls, everything else by equality).

    >>> isin(pd.Series(["a", "b", None], dtype="string"), {"b", None}).tolist()
    [False, True, True]
    """
    arr = values.array
    if hasattr(arr, "_pa_array") and pd.api.types.is_string_dtype(values.dtype):
        try:
            vals = other.array if isinstance(other, (pd.Series, pd.Index)) else other
            if hasattr(vals, "_pa_array") and pd.api.types.is_string_dtype(getattr(vals, "dtype", None)):
                value_set = vals._pa_array.combine_chunks() if isinstance(vals._pa_array, pa.ChunkedArray) else vals._pa_array
            else:
                items = list(vals)  # type: ignore[call-overload]
                if not all(v is None or isinstance(v, str) or (isinstance(v, float) and v != v) for v in items):
                    raise TypeError("not all strings")
                value_set = pa.array(items, type=pa.string(), from_pandas=True)
            if len(value_set) == 0:
                return np.zeros(len(values), dtype=bool)
            value_set = value_set.cast(arr._pa_array.type)
            return np.array(pc.is_in(arr._pa_array, value_set=value_set), dtype=np.bool_)
        except (TypeError, pa.ArrowException):
            pass
    return np.asarray(values.isin(other), dtype=bool)
