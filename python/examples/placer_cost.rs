//! The Rust half of docs/PERFORMANCE.md, "Python": the reference `Placer.run_task` call on a
//! snapshot file, timed the way `benchmarks/placer_cost.py` times it from Python, so the two
//! differ only by what the Python package adds (the request's JSON text, reading it, building
//! the response's dicts).
//!
//! ```sh
//! ecs-place generate --instances 5000 --tasks 20000 --seed 1 --out /tmp/c5k.json
//! cargo run --release -p ecs-placement-python --example placer_cost -- /tmp/c5k.json 3000
//! ```

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ecs_placement::Placer;
use ecs_placement::aws::RunTaskRequest;
use ecs_placement::aws::read::RequestShape;
use ecs_placement::generate::reference_request;
use ecs_placement::model::Snapshot;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: placer_cost CLUSTER.json [CALLS]")?;
    let calls: u64 = match args.next() {
        Some(text) => text.parse()?,
        None => 3000,
    };
    let started = Instant::now();
    let snapshot = Snapshot::from_json(&std::fs::read_to_string(&path)?)?;
    let mut placer = Placer::new(snapshot);
    let load = started.elapsed();
    let request = reference_request();
    // The request as the Python package hands it over: JSON text for the strict reader.
    let request_text = serde_json::to_string(&request)?;
    let mut reading = Duration::ZERO;
    let mut placing = Duration::ZERO;
    let mut to_text = Duration::ZERO;
    // Three calls first: a Placer keeps a request's rows from its third call on.
    for seed in 0..calls + 3 {
        let started = Instant::now();
        let read = RunTaskRequest::from_json(&request_text)?;
        let read_elapsed = started.elapsed();
        debug_assert_eq!(read, request);
        let started = Instant::now();
        let response = placer.run_task(&request, seed)?;
        let elapsed = started.elapsed();
        let started = Instant::now();
        black_box(serde_json::to_string(&response)?);
        let text_elapsed = started.elapsed();
        if seed >= 3 {
            placing += elapsed;
            reading += read_elapsed;
            to_text += text_elapsed;
        }
        // Stopped after the call, untimed, as the Python side does: the state stays steady.
        for task in &response.tasks {
            if let Some(arn) = &task.task_arn {
                placer.stop_task(arn)?;
            }
        }
    }
    let per_call = |total: Duration| total.as_secs_f64() * 1e6 / calls as f64;
    println!(
        "{{\"calls\": {calls}, \"loadSeconds\": {:.3}, \"runTaskMicros\": {:.2}, \"requestFromJsonTextMicros\": {:.2}, \"responseToJsonTextMicros\": {:.2}}}",
        load.as_secs_f64(),
        per_call(placing),
        per_call(reading),
        per_call(to_text)
    );
    Ok(())
}
