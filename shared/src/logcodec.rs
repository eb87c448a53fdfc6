//! How log lines travel and are stored: a compact column layout compressed with zstd.
//!
//! A chunk's lines are laid out column by column (all timestamps as varint deltas, then all
//! streams, process ids, lengths, and finally the messages back to back), because like values
//! next to each other compress far better than JSON objects that interleave them. The first
//! byte names the layout, so a later one can sit next to it.
//!
//! Workers pack each log chunk this way ([`pack`], base64 in the JSON event) and the master
//! stores the bytes as they came, after [`unpack`] checked them: the broker and the database
//! carry a twentieth of the text.

use base64::Engine as _;

use crate::{LogLine, LogStream};

/// The layout written today.
const LAYOUT_COLUMNS: u8 = 1;
/// zstd's level: 3 (its default) compresses a render log to a few percent at hundreds of MB/s.
const LEVEL: i32 = 3;
/// Most bytes one chunk may decode to, against corrupt or hostile rows (chunks are at most a
/// few hundred KiB).
const MAX_DECODED: usize = 64 * 1024 * 1024;

/// Encode and compress lines.
#[must_use]
pub fn encode(lines: &[LogLine]) -> Vec<u8> {
    let text_bytes: usize = lines.iter().map(|line| line.m.len()).sum();
    let mut raw = Vec::with_capacity(text_bytes + lines.len() * 8 + 8);
    put_varint(&mut raw, lines.len() as u64);
    let mut previous = 0_i64;
    for line in lines {
        put_varint(&mut raw, zigzag(line.t.wrapping_sub(previous)));
        previous = line.t;
    }
    raw.extend(lines.iter().map(|line| stream_code(line.s)));
    for line in lines {
        put_varint(&mut raw, line.pid.map_or(0, |pid| u64::from(pid) + 1));
    }
    for line in lines {
        put_varint(&mut raw, line.m.len() as u64);
    }
    for line in lines {
        raw.extend_from_slice(line.m.as_bytes());
    }
    let mut stored = vec![LAYOUT_COLUMNS];
    // Compressing into memory fails only when memory does.
    stored.extend(zstd::bulk::compress(&raw, LEVEL).expect("zstd compresses into memory"));
    stored
}

/// Lines encoded, compressed and in base64, for a `LogChunk`'s `packed` field.
#[must_use]
pub fn pack(lines: &[LogLine]) -> String {
    base64::engine::general_purpose::STANDARD.encode(encode(lines))
}

/// The stored form and the lines of a `packed` field.
///
/// # Errors
/// What is wrong when the text is not a packed chunk.
pub fn unpack(packed: &str) -> Result<(Vec<u8>, Vec<LogLine>), String> {
    let stored = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .map_err(|error| format!("packed log lines are not base64: {error}"))?;
    let lines = decode(&stored)?;
    Ok((stored, lines))
}

/// Decompress and decode what [`encode`] made.
///
/// # Errors
/// A description of what is wrong when the bytes are not such a chunk.
pub fn decode(stored: &[u8]) -> Result<Vec<LogLine>, String> {
    let (&layout, compressed) = stored.split_first().ok_or("an empty log chunk")?;
    if layout != LAYOUT_COLUMNS {
        return Err(format!("unknown log chunk layout {layout}"));
    }
    let raw = zstd::bulk::decompress(compressed, MAX_DECODED)
        .map_err(|error| format!("cannot decompress a log chunk: {error}"))?;
    let mut reader = Reader { bytes: &raw, at: 0 };
    let count = usize::try_from(reader.varint()?).map_err(|_| "a log chunk too long")?;
    // Every line takes at least four bytes of columns: a bound against absurd counts.
    if count > raw.len() / 4 + 1 {
        return Err(format!(
            "a log chunk claims {count} lines in {} bytes",
            raw.len()
        ));
    }
    let mut times = Vec::with_capacity(count);
    let mut previous = 0_i64;
    for _ in 0..count {
        previous = previous.wrapping_add(unzigzag(reader.varint()?));
        times.push(previous);
    }
    let streams = reader.take(count)?.to_vec();
    let mut pids = Vec::with_capacity(count);
    for _ in 0..count {
        let pid = reader.varint()?;
        pids.push(match pid {
            0 => None,
            pid => Some(u32::try_from(pid - 1).map_err(|_| "a process id out of range")?),
        });
    }
    let mut lengths = Vec::with_capacity(count);
    for _ in 0..count {
        lengths.push(usize::try_from(reader.varint()?).map_err(|_| "a line too long")?);
    }
    let mut lines = Vec::with_capacity(count);
    for idx in 0..count {
        let text = reader.take(lengths[idx])?;
        lines.push(LogLine {
            t: times[idx],
            s: stream_of(streams[idx])?,
            pid: pids[idx],
            m: String::from_utf8(text.to_vec()).map_err(|_| "a line that is not UTF-8")?,
        });
    }
    if reader.at != raw.len() {
        return Err("bytes after a log chunk's last line".to_owned());
    }
    Ok(lines)
}

const fn stream_code(stream: LogStream) -> u8 {
    match stream {
        LogStream::Stdout => 0,
        LogStream::Stderr => 1,
        LogStream::Worker => 2,
    }
}

fn stream_of(code: u8) -> Result<LogStream, String> {
    match code {
        0 => Ok(LogStream::Stdout),
        1 => Ok(LogStream::Stderr),
        2 => Ok(LogStream::Worker),
        other => Err(format!("unknown log stream {other}")),
    }
}

const fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

const fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0_u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or("a log chunk cut short")?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a varint longer than 64 bits".to_owned())
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len())
            .ok_or("a log chunk cut short")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: i64, s: LogStream, pid: Option<u32>, m: &str) -> LogLine {
        LogLine {
            t,
            s,
            pid,
            m: m.to_owned(),
        }
    }

    #[test]
    fn lines_come_back_as_they_went_in() {
        let lines = vec![
            line(
                1_765_000_000_000_000,
                LogStream::Stdout,
                Some(4242),
                "Fra:1 Sample 1/64",
            ),
            line(
                1_765_000_000_000_100,
                LogStream::Stderr,
                None,
                "warning: ünïcode",
            ),
            line(1_764_999_999_999_000, LogStream::Worker, Some(u32::MAX), ""),
            line(i64::MIN, LogStream::Stdout, Some(0), "x"),
        ];
        assert_eq!(decode(&encode(&lines)).expect("decodes"), lines);
        assert_eq!(
            decode(&encode(&[])).expect("decodes"),
            Vec::<LogLine>::new()
        );
    }

    #[test]
    fn packed_lines_unpack_to_the_same_lines_and_bad_text_is_refused() {
        let lines = vec![line(7, LogStream::Stdout, Some(1), "Fra:1 | Sample 3/64")];
        let (stored, unpacked) = unpack(&pack(&lines)).expect("unpacks");
        assert_eq!(unpacked, lines);
        assert_eq!(decode(&stored).expect("decodes"), lines);
        assert!(unpack("not base64!").is_err());
        assert!(unpack("AAAA").is_err());
    }

    #[test]
    fn damaged_chunks_are_refused_not_misread() {
        let good = encode(&[line(1, LogStream::Stdout, None, "hello")]);
        assert!(decode(&[]).is_err());
        assert!(decode(&[9, 1, 2, 3]).is_err());
        assert!(decode(&good[..good.len() - 2]).is_err());
        let mut wrong_layout = good.clone();
        wrong_layout[0] = 2;
        assert!(decode(&wrong_layout).is_err());
        // A valid zstd frame around bytes that are no chunk.
        let mut garbage = vec![LAYOUT_COLUMNS];
        garbage.extend(zstd::bulk::compress(&[0xff; 40], 3).expect("compresses"));
        assert!(decode(&garbage).is_err());
    }

    /// Blender's own output (a Cycles render of eight frames), as the worker sends it in full
    /// chunks of 500 lines, stores in under a fifth of its size.
    #[test]
    fn a_render_log_stores_in_a_fraction_of_its_size() {
        let log = include_str!("../../bench/blender-render.log");
        let mut t = 1_765_000_000_000_000_i64;
        let lines: Vec<LogLine> = log
            .lines()
            .cycle()
            .take(500)
            .map(|text| {
                t += 1_733;
                line(t, LogStream::Stdout, Some(31_337), text)
            })
            .collect();
        let text_bytes: usize = lines.iter().map(|line| line.m.len() + 1).sum();
        let stored = encode(&lines).len();
        let json = serde_json::to_string(&lines).expect("serializes").len();
        println!("500 lines, {text_bytes} bytes of text: {stored} bytes stored (JSON: {json})");
        assert!(stored * 5 <= text_bytes, "{stored} of {text_bytes} bytes");
    }
}
