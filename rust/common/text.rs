// SPDX-License-Identifier: GPL-2.0

//! Text in fixed buffers: formatted into a configfs or parameter page or a
//! record built on the stack, and decimal numbers parsed from what a user
//! wrote.

use kernel::{fmt, prelude::*, str::Formatter};

/// Formats with `write` into `buf`, and returns the length of the text, or
/// `EINVAL` if it does not all fit: the text is whole or not at all.
///
/// The error is not to be ignored: past the end of its buffer,
/// `kernel::str::Formatter` fails but goes on counting, so
/// `&buf[..f.bytes_written()]` after an ignored error panics.
pub(crate) fn format_into(
    buf: &mut [u8],
    write: impl FnOnce(&mut Formatter<'_>) -> fmt::Result,
) -> Result<usize> {
    let mut f = Formatter::new(buf);
    write(&mut f).map_err(|_| EINVAL)?;
    Ok(f.bytes_written())
}

/// Parses a non-empty run of ASCII digits that fits a `u64`, nothing else:
/// no sign, no radix prefix, no blanks (the caller trims what it accepts).
/// `EINVAL` otherwise, overflow included.
pub(crate) fn parse_decimal(text: &[u8]) -> Result<u64> {
    if text.is_empty() {
        return Err(EINVAL);
    }
    text.iter().try_fold(0u64, |value, &c| {
        if !c.is_ascii_digit() {
            return Err(EINVAL);
        }
        value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
            .ok_or(EINVAL)
    })
}
