//! Reading a child's output as lines: lossy UTF-8 (NUL too becomes U+FFFD), `\r\n` trimmed,
//! over-long lines split, and cancel-safe so it can sit in a `select!` beside the child's
//! `wait()`.

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Longest line kept as one; longer output is split into several lines.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Yields the lines of a stream.
pub struct LineReader<R> {
    reader: BufReader<R>,
    partial: Vec<u8>,
}

impl<R> std::fmt::Debug for LineReader<R> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LineReader")
            .field("partial_bytes", &self.partial.len())
            .finish_non_exhaustive()
    }
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    /// Lines of `stream`.
    pub fn new(stream: R) -> Self {
        Self {
            reader: BufReader::with_capacity(64 * 1024, stream),
            partial: Vec::new(),
        }
    }

    /// The next line, or `None` at the end of the stream. Cancel-safe: no byte is lost if the
    /// future is dropped before it completes.
    pub async fn next_line(&mut self) -> std::io::Result<Option<String>> {
        loop {
            let buffer = self.reader.fill_buf().await?;
            if buffer.is_empty() {
                if self.partial.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.take_partial()));
            }
            let room = MAX_LINE_BYTES - self.partial.len();
            let window = &buffer[..buffer.len().min(room)];
            if let Some(newline) = window.iter().position(|byte| *byte == b'\n') {
                self.partial.extend_from_slice(&window[..newline]);
                self.reader.consume(newline + 1);
                return Ok(Some(self.take_partial()));
            }
            let taken = window.len();
            self.partial.extend_from_slice(window);
            self.reader.consume(taken);
            if self.partial.len() >= MAX_LINE_BYTES {
                return Ok(Some(self.take_partial()));
            }
        }
    }

    fn take_partial(&mut self) -> String {
        if self.partial.last() == Some(&b'\r') {
            self.partial.pop();
        }
        let mut line = String::from_utf8_lossy(&self.partial).into_owned();
        self.partial.clear();
        if line.contains('\0') {
            // PostgreSQL stores no NUL in text; it becomes the replacement character, like
            // bytes that are not UTF-8.
            line = line.replace('\0', "\u{FFFD}");
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(input: &[u8]) -> Vec<String> {
        let mut reader = LineReader::new(input);
        let mut lines = Vec::new();
        while let Some(line) = reader
            .next_line()
            .await
            .expect("reading from memory cannot fail")
        {
            lines.push(line);
        }
        lines
    }

    #[tokio::test]
    async fn lines_are_split_trimmed_and_lossy() {
        assert_eq!(
            read_all(b"a\nb\r\n\nlast").await,
            vec!["a", "b", "", "last"]
        );
        assert_eq!(
            read_all(b"bad \xff byte\n").await,
            vec!["bad \u{fffd} byte"]
        );
        assert_eq!(read_all(b"nul\0byte\n").await, vec!["nul\u{fffd}byte"]);
        assert!(read_all(b"").await.is_empty());
    }

    #[tokio::test]
    async fn huge_lines_are_split_not_buffered_whole() {
        let huge = vec![b'x'; MAX_LINE_BYTES * 2 + 10];
        let lines = read_all(&huge).await;
        assert_eq!(
            lines.iter().map(String::len).collect::<Vec<_>>(),
            vec![MAX_LINE_BYTES, MAX_LINE_BYTES, 10]
        );
    }
}
