// SPDX-License-Identifier: GPL-2.0

//! A watch's configuration as its configfs attributes read and write it.
//! Parsing is pure and tested by KUnit; a failed parse changes nothing.

use crate::{common::text::parse_decimal, threshold::Band};
use kernel::{prelude::*, str::CString};

/// The event classes a watch sends; lost events and state replies always go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Classes(u32);

/// The configfs words for the classes, in the order `events` shows them.
const CLASS_WORDS: [&str; 6] = ["space", "inodes", "error", "readonly", "unmount", "report"];

impl Classes {
    pub(crate) const ALL: Classes = Classes((1 << CLASS_WORDS.len()) - 1);
    pub(crate) const SPACE: Classes = Classes(1 << 0);
    pub(crate) const INODES: Classes = Classes(1 << 1);
    pub(crate) const ERROR: Classes = Classes(1 << 2);
    pub(crate) const READONLY: Classes = Classes(1 << 3);
    pub(crate) const UNMOUNT: Classes = Classes(1 << 4);
    pub(crate) const REPORT: Classes = Classes(1 << 5);

    pub(crate) fn contains(self, other: Classes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Parses words separated by spaces, commas or a newline: any of
    /// [`CLASS_WORDS`], `all`, or `none` alone.
    pub(crate) fn parse(text: &[u8]) -> Result<Classes> {
        let mut classes = 0;
        let mut words = 0;
        let mut none = false;
        for word in text
            .split(|c| matches!(c, b' ' | b',' | b'\n'))
            .filter(|w| !w.is_empty())
        {
            words += 1;
            match word {
                b"all" => classes = Classes::ALL.0,
                b"none" => none = true,
                _ => {
                    let bit = CLASS_WORDS
                        .iter()
                        .position(|w| w.as_bytes() == word)
                        .ok_or(EINVAL)?;
                    classes |= 1 << bit;
                }
            }
        }
        match (words, none) {
            (0, _) => Err(EINVAL),
            (1, true) => Ok(Classes(0)),
            (_, true) => Err(EINVAL),
            _ => Ok(Classes(classes)),
        }
    }
}

impl kernel::fmt::Display for Classes {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        if self.0 == 0 {
            return f.write_str("none");
        }
        let mut first = true;
        for (bit, word) in CLASS_WORDS.iter().enumerate() {
            if self.0 & (1 << bit) != 0 {
                if !first {
                    f.write_str(" ")?;
                }
                f.write_str(word)?;
                first = false;
            }
        }
        Ok(())
    }
}

/// Bounds of `interval_ms`.
pub(crate) const INTERVAL_MS_MIN: u32 = 10;
pub(crate) const INTERVAL_MS_MAX: u32 = 3_600_000;
pub(crate) const INTERVAL_MS_DEFAULT: u32 = 1000;

/// Parses `interval_ms`: decimal, [`INTERVAL_MS_MIN`] to [`INTERVAL_MS_MAX`].
pub(crate) fn parse_interval(text: &[u8]) -> Result<u32> {
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    match parse_decimal(text)? {
        ms if (INTERVAL_MS_MIN.into()..=INTERVAL_MS_MAX.into()).contains(&ms) => Ok(ms as u32),
        _ => Err(EINVAL),
    }
}

/// Parses `path`: an absolute path without NUL bytes, shorter than
/// `PATH_MAX`; a lone newline or nothing clears it.
pub(crate) fn parse_path(text: &[u8]) -> Result<Option<CString>> {
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return Ok(None);
    }
    if text[0] != b'/' || text.contains(&0) || text.len() >= kernel::bindings::PATH_MAX as usize {
        return Err(EINVAL);
    }
    let mut bytes = KVec::with_capacity(text.len() + 1, GFP_KERNEL)?;
    bytes.extend_from_slice(text, GFP_KERNEL)?;
    bytes.push(0, GFP_KERNEL)?;
    Ok(Some(CString::try_from(
        CStr::from_bytes_with_nul(&bytes).map_err(|_| EINVAL)?,
    )?))
}

/// What a watch is configured to do.
pub(crate) struct Config {
    pub(crate) path: Option<CString>,
    pub(crate) space: Band,
    pub(crate) inodes: Band,
    pub(crate) interval_ms: u32,
    pub(crate) classes: Classes,
}

impl Config {
    pub(crate) const fn new() -> Config {
        Config {
            path: None,
            space: Band::OFF,
            inodes: Band::OFF,
            interval_ms: INTERVAL_MS_DEFAULT,
            classes: Classes::ALL,
        }
    }
}

#[cfg(kmods_kunit)]
#[kunit_tests(fs_events_config)]
mod tests {
    use super::*;

    #[test]
    fn classes_parse_words_and_print_them_back() {
        assert_eq!(Classes::parse(b"all\n"), Ok(Classes::ALL));
        assert_eq!(Classes::parse(b"none\n"), Ok(Classes(0)));
        let classes = Classes::parse(b"space,error unmount\n").unwrap();
        assert!(classes.contains(Classes::SPACE));
        assert!(classes.contains(Classes::ERROR));
        assert!(classes.contains(Classes::UNMOUNT));
        assert!(!classes.contains(Classes::INODES));
        let mut buf = [0u8; 64];
        let mut f = kernel::str::Formatter::new(&mut buf);
        assert!(kernel::fmt::Write::write_fmt(&mut f, fmt!("{classes}")).is_ok());
        let n = f.bytes_written();
        assert_eq!(&buf[..n], b"space error unmount");
    }

    #[test]
    fn classes_reject_unknown_words_and_empty_input() {
        for bad in [
            &b""[..],
            b"\n",
            b"spaces",
            b"none space",
            b"SPACE",
            b"all,bogus",
        ] {
            assert_eq!(Classes::parse(bad), Err(EINVAL));
        }
    }

    #[test]
    fn interval_is_bounded() {
        assert_eq!(parse_interval(b"10\n"), Ok(10));
        assert_eq!(parse_interval(b"3600000"), Ok(3_600_000));
        for bad in [&b"9"[..], b"3600001", b"0", b"", b"1s", b"-5", b"0x10"] {
            assert_eq!(parse_interval(bad), Err(EINVAL));
        }
    }

    #[test]
    fn path_must_be_absolute() {
        assert_eq!(parse_path(b"\n").map(|p| p.is_none()), Ok(true));
        let path = parse_path(b"/mnt/data\n").unwrap().unwrap();
        assert_eq!(path.to_bytes(), b"/mnt/data");
        for bad in [&b"mnt"[..], b"./x", b"/a\0b"] {
            assert!(parse_path(bad).is_err());
        }
    }
}
