//! `warren-fakerender`: a stand-in renderer for tests and benchmarks. It prints frame lines,
//! sleeps, holds RAM, spews output, and exits, crashes or ignores SIGTERM on request.

use std::io::Write as _;
use std::time::{Duration, Instant};

use clap::Parser;

/// Pretend to render.
#[derive(Debug, Parser)]
#[command(name = "warren-fakerender", version, about)]
struct Args {
    /// Frame being rendered; printed as `rendering frame N`.
    #[arg(long, allow_hyphen_values = true)]
    frame: Option<i64>,
    /// Seconds to "render".
    #[arg(long, default_value_t = 0.0)]
    duration: f64,
    /// Random extra duration, as a fraction of `duration`.
    #[arg(long, default_value_t = 0.0)]
    jitter: f64,
    /// MB of RAM to allocate and touch while rendering.
    #[arg(long, default_value_t = 0)]
    ram: usize,
    /// Exit code.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    exit_code: i32,
    /// Lines of progress output to print.
    #[arg(long, default_value_t = 0)]
    lines: u64,
    /// Seconds between progress lines (each is written out at once), so the output trickles
    /// like a renderer's.
    #[arg(long, default_value_t = 0.0)]
    interval: f64,
    /// Print lines as fast as possible for `duration` seconds (or `lines` lines).
    #[arg(long)]
    spew: bool,
    /// Print this file's lines (a real renderer's output) as fast as possible, over and over
    /// until `lines` lines (once through when `lines` is 0).
    #[arg(long)]
    replay: Option<std::path::PathBuf>,
    /// Bytes in each printed line.
    #[arg(long, default_value_t = 80)]
    line_bytes: usize,
    /// Print one line of this many bytes without a line break.
    #[arg(long, default_value_t = 0)]
    huge_line: usize,
    /// Abort (SIGABRT) instead of exiting.
    #[arg(long)]
    crash: bool,
    /// Keep running when sent SIGTERM.
    #[arg(long)]
    ignore_sigterm: bool,
    /// Print to standard error too.
    #[arg(long)]
    stderr: bool,
}

/// A tiny xorshift generator seeded from the clock, enough for jitter.
fn jitter_fraction() -> f64 {
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |elapsed| elapsed.as_nanos() as u64)
        | 1;
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    (seed % 10_000) as f64 / 10_000.0
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.ignore_sigterm {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(mut terminate) =
                        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        while terminate.recv().await.is_some() {
                            println!("ignoring SIGTERM");
                        }
                    }
                });
            }
        });
    }
    let started = Instant::now();
    let duration =
        Duration::from_secs_f64((args.duration * (1.0 + args.jitter * jitter_fraction())).max(0.0));
    let mut held: Vec<u8> = Vec::new();
    if args.ram > 0 {
        held = vec![1; args.ram * 1024 * 1024];
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(frame) = args.frame {
        let _ = writeln!(out, "rendering frame {frame}");
    }
    let filler: String = "x".repeat(args.line_bytes.saturating_sub(24));
    if let Some(path) = &args.replay {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("cannot read {}: {error}", path.display());
                return std::process::ExitCode::FAILURE;
            }
        };
        let lines: Vec<&str> = text.lines().collect();
        let total = if args.lines == 0 {
            lines.len() as u64
        } else {
            args.lines
        };
        for line in lines
            .iter()
            .cycle()
            .take(usize::try_from(total).unwrap_or(usize::MAX))
        {
            let _ = writeln!(out, "{line}");
        }
    } else if args.spew {
        let mut line_idx = 0_u64;
        while (args.lines == 0 && started.elapsed() < duration)
            || (args.lines > 0 && line_idx < args.lines)
        {
            let _ = writeln!(out, "spew {line_idx:>12} {filler}");
            line_idx += 1;
        }
    } else {
        for line_idx in 0..args.lines {
            let _ = writeln!(out, "progress {line_idx} {filler}");
            if args.stderr {
                eprintln!("warning {line_idx}");
            }
            if args.interval > 0.0 {
                let _ = out.flush();
                std::thread::sleep(Duration::from_secs_f64(args.interval));
            }
        }
    }
    if args.huge_line > 0 {
        let _ = out.write_all("y".repeat(args.huge_line).as_bytes());
    }
    let _ = out.flush();
    drop(out);
    if let Some(remaining) = duration.checked_sub(started.elapsed()) {
        std::thread::sleep(remaining);
    }
    if args.frame.is_some() {
        println!("frame done");
    }
    std::hint::black_box(&held);
    if args.crash {
        std::process::abort();
    }
    std::process::ExitCode::from(u8::try_from(args.exit_code).unwrap_or(1))
}
