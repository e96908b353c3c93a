//! `cargo xtask perf [--compile]`: re-runs every benchmark and prints the README's
//! Performance table, so the published figures come from one run of one command.
//!
//! The benchmarks are criterion's (`wink-auth/benches/header_injection.rs`,
//! `wink-api/benches/client.rs`); this reads their medians from `target/criterion/` and
//! computes the ratios; callgrind counts the instructions of one call each way, a figure
//! the machine's noise does not move. `regen` is timed in-process (median of three); with `--compile`,
//! `cargo check` and `cargo build` of wink-api (default features and `full`) are timed after
//! `cargo clean -p wink-api`, which takes several minutes.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::lock::Workspace;

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn criterion_json(root: &Path, id: &str, file: &str) -> Result<Value> {
    let path = root.join("target/criterion").join(id).join("new").join(file);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("no benchmark result at {}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

/// The median time of benchmark `id` in nanoseconds.
fn median_ns(root: &Path, id: &str) -> Result<f64> {
    criterion_json(root, id, "estimates.json")?
        .pointer("/median/point_estimate")
        .and_then(Value::as_f64)
        .with_context(|| format!("{id}: no median"))
}

/// MB/s of a benchmark with a byte throughput.
fn megabytes_per_second(root: &Path, id: &str) -> Result<f64> {
    let bytes = criterion_json(root, id, "benchmark.json")?
        .pointer("/throughput/Bytes")
        .and_then(Value::as_f64)
        .with_context(|| format!("{id}: no byte throughput"))?;
    Ok(bytes / median_ns(root, id)? * 1e9 / 1e6)
}

fn timed(mut command: Command) -> Result<Duration> {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).status().context("cannot start cargo")?;
    anyhow::ensure!(status.success(), "{command:?} failed ({status})");
    Ok(started.elapsed())
}

fn output_of(command: &mut Command) -> String {
    command.output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
}

/// The bench executable of wink-api's `client` benchmark (built by `cargo bench --no-run`).
fn client_bench_executable(root: &Path) -> Result<String> {
    let output = cargo()
        .current_dir(root)
        .args([
            "bench",
            "--locked",
            "-p",
            "wink-api",
            "--bench",
            "client",
            "--no-run",
            "--message-format=json",
        ])
        .stderr(Stdio::null())
        .output()
        .context("cannot start cargo")?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m.pointer("/target/name").and_then(Value::as_str) == Some("client"))
        .find_map(|m| m.get("executable").and_then(Value::as_str).map(String::from))
        .context("no executable for wink-api's client benchmark")
}

/// Instructions one call of `way` executes, from two callgrind runs (2000 and 200 calls),
/// so that set-up cancels out.
fn instructions_per_call(executable: &str, way: &str) -> Result<f64> {
    let run = |calls: u32| -> Result<f64> {
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null", executable])
            .env("WINK_BENCH_PROFILE", way)
            .env("WINK_BENCH_CALLS", calls.to_string())
            .output()
            .context("cannot start valgrind")?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse::<f64>().ok())
            .with_context(|| format!("no instruction count from callgrind: {stderr}"))
    };
    Ok((run(2000)? - run(200)?) / 1800.0)
}

/// How many times the paired ratios are measured: one run's median moves by about ±0.015
/// from run to run (process layout, the other core's load), more than within a run.
const PAIRED_RUNS: usize = 5;

/// The median paired ratio a/b of each body size (50 and 1 items), from [`PAIRED_RUNS`]
/// runs of the bench executable with `WINK_BENCH_PROFILE=paired`.
fn paired_ratio_medians(
    root: &Path,
    executable: &str,
) -> Result<Vec<std::collections::BTreeMap<usize, f64>>> {
    (0..PAIRED_RUNS)
        .map(|_| {
            let status = Command::new(executable)
                .env("WINK_BENCH_PROFILE", "paired")
                .stdout(Stdio::null())
                .status()
                .context("cannot start the bench executable")?;
            anyhow::ensure!(status.success(), "the paired benchmark failed ({status})");
            let report: Value = serde_json::from_str(
                &std::fs::read_to_string(root.join("target/criterion/paired.json"))
                    .context("no paired result")?,
            )?;
            [50, 1]
                .into_iter()
                .map(|items| {
                    let median = report.pointer(&format!("/{items}/ratio_median")).and_then(Value::as_f64);
                    Ok((
                        items,
                        median.with_context(|| format!("paired.json: no median for {items} item(s)"))?,
                    ))
                })
                .collect()
        })
        .collect()
}

pub fn run(ws: &Workspace, compile: bool) -> Result<ExitCode> {
    let root = &ws.root;
    eprintln!("running the benchmarks (cargo bench -p wink-auth -p wink-api) ...");
    let mut bench = cargo();
    bench.current_dir(root).args(["bench", "--locked", "-p", "wink-auth", "-p", "wink-api"]);
    timed(bench)?;

    let mut regen_runs = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        crate::regen::render_workspace(ws, None, false)?;
        regen_runs.push(started.elapsed());
    }
    regen_runs.sort();

    let mut rows: Vec<(String, String, String)> = Vec::new();
    for items in [50, 1] {
        let a = median_ns(root, &format!("call_overhead/generated_client/{items}"))?;
        let b = median_ns(root, &format!("call_overhead/reqwest_typed/{items}"))?;
        let c = median_ns(root, &format!("call_overhead/reqwest_value/{items}"))?;
        let per_second = |ns: f64| format!("{:.0}", 1e9 / ns);
        rows.push((
            format!("`showInventoryMaps`, {items} item(s): calls/s generated / raw typed / raw `Value`"),
            format!("{} / {} / {}", per_second(a), per_second(b), per_second(c)),
            String::new(),
        ));
        rows.push((
            format!("  ratio a/b, a/c ({items} item(s))"),
            format!("{:.2}, {:.2}", b / a, c / a),
            String::new(),
        ));
    }
    let executable = client_bench_executable(root)?;
    eprintln!("measuring the paired ratios {PAIRED_RUNS} times ...");
    let paired = paired_ratio_medians(root, &executable)?;
    for (items, goal) in [(50, "a/b ≥ 0.97"), (1, "")] {
        let mut medians = paired.iter().map(|run| run[&items]).collect::<Vec<f64>>();
        medians.sort_by(f64::total_cmp);
        rows.push((
            format!(
                "  a/b paired, {items} item(s): (a) and (b) alternating, 200 rounds of 20 calls; median of {PAIRED_RUNS} runs' medians (lowest to highest)"
            ),
            format!("{:.3} ({:.3} to {:.3})", medians[medians.len() / 2], medians[0], medians[medians.len() - 1]),
            goal.into(),
        ));
    }
    eprintln!("counting instructions per call with callgrind ...");
    let (generated, raw) =
        (instructions_per_call(&executable, "generated")?, instructions_per_call(&executable, "reqwest")?);
    rows.push((
        "instructions per 50-item call (callgrind): generated / raw typed, ratio b/a".into(),
        format!("{:.0}k / {:.0}k, {:.3}", generated / 1e3, raw / 1e3, raw / generated),
        "≥ 0.97".into(),
    ));
    let injection = median_ns(root, "cached header injection")?;
    rows.push((
        "cached-token header injection, median".into(),
        format!("{injection:.1} ns"),
        "≤ 200 ns".into(),
    ));
    let concurrency: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("target/criterion/concurrency.json"))
            .context("no concurrency result")?,
    )?;
    let number = |k: &str| concurrency.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    rows.push((
        "1000 concurrent calls, cold token cache: token requests, p50, p99".into(),
        format!("{}, {:.0} ms, {:.0} ms", number("token_requests"), number("p50_ms"), number("p99_ms")),
        "exactly 1 token request".into(),
    ));
    let (typed, value) = (
        megabytes_per_second(root, "decode/generated_page")?,
        megabytes_per_second(root, "decode/json_value")?,
    );
    rows.push((
        "decode a 10,000-item page: generated type / `Value`".into(),
        format!("{typed:.0} / {value:.0} MB/s ({:.2}×)", typed / value),
        String::new(),
    ));
    rows.push((
        "`cargo xtask regen`, six documents, median of 3".into(),
        format!("{:.2?}", regen_runs[1]),
        String::new(),
    ));
    if compile {
        for (what, features) in
            [("check", None), ("build", None), ("check", Some("full")), ("build", Some("full"))]
        {
            let mut clean = cargo();
            clean.current_dir(root).args(["clean", "-p", "wink-api"]);
            timed(clean)?;
            let mut command = cargo();
            command.current_dir(root).args([what, "--locked", "-p", "wink-api"]);
            if let Some(features) = features {
                command.args(["--features", features]);
            }
            let took = timed(command)?;
            let label = format!(
                "`cargo {what} -p wink-api`{}",
                features.map_or(String::new(), |f| format!(" `--features {f}`"))
            );
            rows.push((label, format!("{:.0} s", took.as_secs_f64()), String::new()));
        }
    }

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = output_of(Command::new("rustc").arg("-V"));
    let date = output_of(Command::new("date").args(["-u", "+%Y-%m-%d"]));
    println!(
        "{cores} cores, {rustc}, {date}; one run of `cargo xtask perf{}`.\n",
        if compile { " --compile" } else { "" }
    );
    println!("| what | measured | goal |\n| --- | ---: | --- |");
    for (what, measured, goal) in rows {
        println!("| {what} | {measured} | {goal} |");
    }
    Ok(ExitCode::SUCCESS)
}
