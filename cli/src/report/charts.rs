//! The report's charts: one SVG per metric over trace time, every variant on the same axes,
//! drawn with plotters' SVG backend (text as SVG text, no font files, no script).

use ecs_placement::harness::IntervalRow;
use plotters::prelude::*;

/// A chart: its id, title, unit, and the series each variant's rows give.
pub struct Chart {
    /// The element id (`chart-ID`).
    pub id: &'static str,
    /// The title.
    pub title: &'static str,
    /// The y axis.
    pub unit: &'static str,
    /// Each series: its name and how a row gives its value.
    pub series: &'static [(&'static str, fn(&IntervalRow) -> f64)],
}

/// The charts, in page order.
pub const CHARTS: [Chart; 6] = [
    Chart {
        id: "utilization",
        title: "CPU and memory allocated over registered (ACTIVE instances)",
        unit: "share",
        series: &[
            ("cpu", |r| r.sample.cpu_utilization),
            ("memory", |r| r.sample.memory_utilization),
        ],
    },
    Chart {
        id: "unplaced",
        title: "Tasks not placed, per interval",
        unit: "tasks",
        series: &[("unplaced", |r| r.counts.unplaced as f64)],
    },
    Chart {
        id: "stranded",
        title: "Stranded capacity: free on instances that cannot fit the reference task",
        unit: "share of registered",
        series: &[
            ("cpu", |r| r.sample.stranded_cpu),
            ("memory", |r| r.sample.stranded_memory),
        ],
    },
    Chart {
        id: "latency",
        title: "RunTask latency percentiles (measured)",
        unit: "microseconds",
        series: &[
            ("p50", |r| r.latency_p50_us),
            ("p90", |r| r.latency_p90_us),
            ("p99", |r| r.latency_p99_us),
        ],
    },
    Chart {
        id: "skew",
        title: "Spread skew across Availability Zones, (max - min) / mean per group",
        unit: "skew",
        series: &[
            ("mean", |r| r.sample.spread_skew_mean),
            ("max", |r| r.sample.spread_skew_max),
        ],
    },
    Chart {
        id: "instances",
        title: "Instances in use and tasks waiting for capacity",
        unit: "count",
        series: &[
            ("in use", |r| r.sample.instances_in_use as f64),
            ("waiting", |r| r.sample.waiting_tasks as f64),
        ],
    },
];

/// The name of a series in the legend: `variant metric`, or the metric alone for one run.
pub fn label(variant: &str, series: &str, variants: usize) -> String {
    if variants > 1 {
        format!("{variant} {series}")
    } else {
        series.to_owned()
    }
}

/// Draws `chart` for every run (variant name, rows) as SVG text.
pub fn svg(chart: &Chart, runs: &[(&str, &[IntervalRow])]) -> Result<String, String> {
    let mut text = String::new();
    draw(chart, runs, &mut text).map_err(|e| format!("cannot draw the {} chart: {e}", chart.id))?;
    Ok(text)
}

fn draw(
    chart: &Chart,
    runs: &[(&str, &[IntervalRow])],
    text: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let x_end = runs
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.end))
        .fold(1.0f64, f64::max);
    let y_top = runs
        .iter()
        .flat_map(|(_, rows)| rows.iter())
        .flat_map(|r| chart.series.iter().map(move |(_, value)| value(r)))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let y_end = if y_top > 0.0 { y_top * 1.1 } else { 1.0 };
    let root = SVGBackend::with_string(text, (1000, 320)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut plot = ChartBuilder::on(&root)
        .caption(chart.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..x_end, 0f64..y_end)?;
    plot.configure_mesh()
        .x_desc("trace time, seconds")
        .y_desc(chart.unit)
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let mut colour = 0;
    for (variant, rows) in runs {
        for (name, value) in chart.series {
            let style = Palette99::pick(colour).stroke_width(2);
            colour += 1;
            let points = rows.iter().map(|r| (r.end, value(r)));
            plot.draw_series(LineSeries::new(points, style))?
                .label(label(variant, name, runs.len()))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
        }
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
