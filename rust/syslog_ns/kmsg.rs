// SPDX-License-Identifier: GPL-2.0

//! The `/dev/kmsg` record format (Documentation/ABI/testing/dev-kmsg), and
//! the checks on what userspace writes.

use crate::{
    common::text::parse_decimal,
    ringbuf::{Meta, MAX_TEXT},
    uapi,
};
use kernel::prelude::*;

/// The longest formatted record: util-linux `dmesg` reads into 2048 bytes
/// and passes `sizeof(buf) - 1`; longer text is cut, as printk cuts at
/// `PRINTK_MESSAGE_MAX`.
pub(crate) const FORMATTED_MAX: usize = uapi::SYSLOG_NS_RECORD_MAX as usize;

/// The highest `<N>` a write may carry: facility 23 (local7), level 7.
const MAX_PRIORITY: u32 = 23 << 3 | 7;

/// `LOG_USER`: what a write of facility 0 (the kernel's) becomes, as on
/// `/dev/kmsg`.
const LOG_USER: u8 = 1;

/// Appends bytes to a fixed buffer; what does not fit is cut.
struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Out<'_> {
    fn push(&mut self, bytes: &[u8]) -> bool {
        if self.len + bytes.len() > self.buf.len() {
            return false;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        true
    }

    fn push_u64(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        self.push(decimal(n, &mut digits));
    }
}

/// `n` in decimal, at the end of `digits`.
pub(crate) fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[i..]
}

/// Formats record `seq` as `/dev/kmsg` does:
/// `prio,seq,ts_usec,flags,caller=T<pid>|C<cpu>;text\n`, with every byte
/// below `' '`, from 127 on, and `\` escaped as `\xNN`. Returns its length,
/// at most [`FORMATTED_MAX`].
pub(crate) fn format_record(
    out: &mut [u8; FORMATTED_MAX],
    seq: u64,
    meta: &Meta,
    text: &[u8],
) -> usize {
    let mut o = Out {
        buf: &mut out[..FORMATTED_MAX - 1],
        len: 0,
    };
    o.push_u64(u64::from(meta.facility) << 3 | u64::from(meta.level));
    o.push(b",");
    o.push_u64(seq);
    o.push(b",");
    o.push_u64(meta.ts_nsec / 1000);
    o.push(if meta.cont { b",c" } else { b",-" });
    if meta.caller & 0x8000_0000 != 0 {
        o.push(b",caller=C");
        o.push_u64(u64::from(meta.caller & !0x8000_0000));
    } else {
        o.push(b",caller=T");
        o.push_u64(u64::from(meta.caller));
    }
    o.push(b";");
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &c in text {
        let fits = if !(b' '..127).contains(&c) || c == b'\\' {
            o.push(&[
                b'\\',
                b'x',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ])
        } else {
            o.push(&[c])
        };
        if !fits {
            break;
        }
    }
    let len = o.len;
    out[len] = b'\n';
    len + 1
}

/// A write's priority and text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    pub(crate) level: u8,
    pub(crate) facility: u8,
    pub(crate) text: &'a [u8],
}

/// Checks a write: `<N>text`, one line (a final newline is dropped), `N` a
/// decimal priority up to 191 (facility 23, level 7), text of 1 to
/// [`MAX_TEXT`] printable bytes (tabs and UTF-8 allowed). Too long is
/// `EMSGSIZE`; anything else wrong is `EINVAL`.
pub(crate) fn parse_write(buf: &[u8]) -> Result<Message<'_>> {
    let buf = buf.strip_suffix(b"\n").unwrap_or(buf);
    let rest = buf.strip_prefix(b"<").ok_or(EINVAL)?;
    let close = rest.iter().position(|&c| c == b'>').ok_or(EINVAL)?;
    let digits = &rest[..close];
    if digits.len() > 3 {
        return Err(EINVAL);
    }
    // Three digits at most: it fits.
    let priority = parse_decimal(digits)? as u32;
    if priority > MAX_PRIORITY {
        return Err(EINVAL);
    }
    let text = &rest[close + 1..];
    if text.is_empty() {
        return Err(EINVAL);
    }
    if text.len() > MAX_TEXT {
        return Err(EMSGSIZE);
    }
    if text.iter().any(|&c| (c < b' ' && c != b'\t') || c == 127) {
        return Err(EINVAL);
    }
    let facility = (priority >> 3) as u8;
    Ok(Message {
        level: (priority & 7) as u8,
        facility: if facility == 0 { LOG_USER } else { facility },
        text,
    })
}

#[cfg(kmods_kunit)]
#[kunit_tests(syslog_ns_kmsg)]
mod tests {
    use super::*;

    fn meta(level: u8, facility: u8, cont: bool, caller: u32) -> Meta {
        Meta {
            ts_nsec: 5_140_900_123,
            level,
            facility,
            cont,
            caller,
        }
    }

    #[test]
    fn records_format_as_dev_kmsg_does() {
        let mut out = [0u8; FORMATTED_MAX];
        let n = format_record(&mut out, 339, &meta(6, 0, false, 42), b"NET: Registered");
        assert_eq!(&out[..n], b"6,339,5140900,-,caller=T42;NET: Registered\n");
        let n = format_record(&mut out, 0, &meta(3, 1, true, 0x8000_0001), b"x");
        assert_eq!(&out[..n], b"11,0,5140900,c,caller=C1;x\n");
    }

    #[test]
    fn control_bytes_and_backslashes_are_escaped() {
        let mut out = [0u8; FORMATTED_MAX];
        let n = format_record(&mut out, 1, &meta(6, 0, false, 1), b"a\tb\\c\n\x7f\xc3\xa9");
        assert_eq!(
            &out[..n],
            b"6,1,5140900,-,caller=T1;a\\x09b\\x5cc\\x0a\\x7f\\xc3\\xa9\n"
        );
    }

    #[test]
    fn the_longest_record_is_cut_to_what_dmesg_reads() {
        let mut out = [0u8; FORMATTED_MAX];
        let text = [1u8; MAX_TEXT];
        let n = format_record(&mut out, 1, &meta(6, 0, false, 1), &text);
        assert!(n <= FORMATTED_MAX);
        assert_eq!(out[n - 1], b'\n');
        // Cut between escapes, never inside one.
        let body = &out[..n - 1];
        let semicolon = body.iter().position(|&c| c == b';').unwrap_or(0);
        assert_eq!((body.len() - semicolon - 1) % 4, 0);
    }

    #[test]
    fn writes_need_a_priority_and_one_line_of_text() {
        let ok = |level, facility, text| {
            Ok(Message {
                level,
                facility,
                text,
            })
        };
        assert_eq!(parse_write(b"<4>hello\n"), ok(4, 1, &b"hello"[..]));
        assert_eq!(parse_write(b"<14>user info"), ok(6, 1, &b"user info"[..]));
        assert_eq!(
            parse_write(b"<191>local7 debug"),
            ok(7, 23, &b"local7 debug"[..])
        );
        assert_eq!(
            parse_write("<6>tab\tand ünïcode".as_bytes()).map(|m| m.level),
            Ok(6)
        );
        for bad in [
            &b"hello"[..],
            b"<>x",
            b"<x>x",
            b"<-1>x",
            b"<192>x",
            b"<1000>x",
            b"<6",
            b"<6>",
            b"<6>\n",
            b"<6>two\nlines",
            b"<6>nul\0byte",
            b"<6>bell\x07",
            b"",
        ] {
            assert_eq!(parse_write(bad), Err(EINVAL));
        }
    }

    #[test]
    fn a_write_over_the_record_maximum_is_emsgsize() {
        let mut buf = [b'a'; MAX_TEXT + 4];
        buf[..3].copy_from_slice(b"<6>");
        assert_eq!(
            parse_write(&buf[..MAX_TEXT + 3]).map(|m| m.text.len()),
            Ok(MAX_TEXT)
        );
        assert_eq!(parse_write(&buf), Err(EMSGSIZE));
    }
}
