// SPDX-License-Identifier: GPL-2.0

//! Text formatted into a buffer of fixed size: a configfs or parameter page,
//! a record built on the stack.

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
