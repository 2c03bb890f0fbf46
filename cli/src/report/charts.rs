//! The report's charts: one SVG per metric over trace time, every variant on the same axes,
//! drawn with plotters' SVG backend (text as SVG text, no font files, no script).

use ecs_placement::harness::IntervalRow;
use plotters::prelude::*;

/// How a row gives a series' value.
pub type Reading = fn(&IntervalRow) -> f64;

/// A chart: its id, title, unit, and the series each variant's rows give.
pub struct Chart {
    /// The element id (`chart-ID`).
    pub id: &'static str,
    /// The title.
    pub title: &'static str,
    /// The y axis.
    pub unit: &'static str,
    /// Whether the y axis is logarithmic.
    pub log: bool,
    /// Each series: its name and how a row gives its value.
    pub series: &'static [(&'static str, Reading)],
}

/// The charts, in page order.
pub const CHARTS: [Chart; 6] = [
    Chart {
        id: "utilization",
        title: "CPU and memory allocated over registered (ACTIVE instances)",
        unit: "share",
        log: false,
        series: &[
            ("cpu", |r| r.sample.cpu_utilization),
            ("memory", |r| r.sample.memory_utilization),
        ],
    },
    Chart {
        id: "unplaced",
        title: "Tasks not placed, per interval",
        unit: "tasks",
        log: false,
        series: &[("unplaced", |r| r.counts.unplaced as f64)],
    },
    Chart {
        id: "stranded",
        title: "Stranded capacity: free on instances that cannot fit the reference task",
        unit: "share of registered",
        log: false,
        series: &[
            ("cpu", |r| r.sample.stranded_cpu),
            ("memory", |r| r.sample.stranded_memory),
        ],
    },
    Chart {
        id: "latency",
        title: "RunTask latency percentiles (measured)",
        unit: "microseconds (log scale)",
        log: true,
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
        log: false,
        series: &[
            ("mean", |r| r.sample.spread_skew_mean),
            ("max", |r| r.sample.spread_skew_max),
        ],
    },
    Chart {
        id: "instances",
        title: "Instances in use and tasks waiting for capacity",
        unit: "count",
        log: false,
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
    let root = SVGBackend::with_string(text, (1100, 330)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(chart.title, ("sans-serif", 18))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(70);
    if chart.log {
        let y_low = runs
            .iter()
            .flat_map(|(_, rows)| rows.iter())
            .flat_map(|r| chart.series.iter().map(move |(_, value)| value(r)))
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        let y_low = if y_low.is_finite() { y_low * 0.8 } else { 0.1 };
        let mut plot = builder
            .build_cartesian_2d(0f64..x_end, (y_low..y_end.max(y_low * 10.0)).log_scale())?;
        mesh(&mut plot, chart)?;
        series(&mut plot, chart, runs)?;
    } else {
        let mut plot = builder.build_cartesian_2d(0f64..x_end, 0f64..y_end)?;
        mesh(&mut plot, chart)?;
        series(&mut plot, chart, runs)?;
    }
    root.present()?;
    Ok(())
}

/// The colour of each variant; its series are this colour, lighter for each further one.
const COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

type Plot<'a, 'b, Y> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>;

fn mesh<Y>(plot: &mut Plot<'_, '_, Y>, chart: &Chart) -> Result<(), Box<dyn std::error::Error>>
where
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    plot.configure_mesh()
        .x_desc("trace time, seconds")
        .y_desc(chart.unit)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(())
}

fn series<'a, 'b: 'a, Y>(
    plot: &mut Plot<'a, 'b, Y>,
    chart: &Chart,
    runs: &[(&str, &[IntervalRow])],
) -> Result<(), Box<dyn std::error::Error>>
where
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    for (at, (variant, rows)) in runs.iter().enumerate() {
        let colour = COLOURS[at % COLOURS.len()];
        for (k, (name, value)) in chart.series.iter().enumerate() {
            let style = colour.mix(1.0 - 0.35 * k as f64).stroke_width(2);
            let points = rows
                .iter()
                .map(|r| (r.end, value(r)))
                .filter(|(_, v)| !chart.log || *v > 0.0);
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
    Ok(())
}
