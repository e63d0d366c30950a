//! Shrinking a diverging case.
