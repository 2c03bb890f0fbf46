//! `simulate --report`: one self-contained HTML page (no script, no outside file) with the
//! summary table (each metric per variant, with its difference to the first) and the charts
//! of `charts.rs` inline as SVG. Written as XHTML-compatible markup, so an XML reader checks it
//! (`cli/tests/harness.rs`).

mod charts;
pub mod text;

use std::fmt::Write;

use ecs_placement::harness::{Finished, IntervalRow, compare};

use charts::CHARTS;

/// Text for HTML: `&`, `<`, `>` and `"` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number as the table shows it: integers whole, others to 4 significant places.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else if value.abs() >= 1.0 {
        format!("{value:.3}")
    } else {
        format!("{value:.4}")
    }
}

/// The page for `names` (variant names, `""` for a single run) and their replays; `specs` as
/// given on the command line.
pub fn page(names: &[&str], finished: &[Finished], specs: &[String]) -> String {
    let mut html = String::new();
    let title = if names.len() > 1 {
        format!("ecs-place simulate: {} variants", names.len())
    } else {
        "ecs-place simulate".to_owned()
    };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 24px; color: #222; }}\ntable {{ border-collapse: collapse; margin-bottom: 24px; }}\nth, td {{ border: 1px solid #ccc; padding: 4px 10px; text-align: right; }}\nth:first-child, td:first-child {{ text-align: left; }}\n.worse {{ color: #b00; }} .better {{ color: #070; }}\nfigure {{ margin: 0 0 18px 0; }}\n</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    if !specs.is_empty() {
        html.push_str("<ul id=\"variants\">\n");
        for spec in specs {
            let _ = writeln!(html, "<li><code>{}</code></li>", escape(spec));
        }
        html.push_str("</ul>\n");
    }
    table(&mut html, names, finished);
    let runs: Vec<(&str, &[IntervalRow])> = names
        .iter()
        .zip(finished)
        .map(|(name, f)| (*name, f.rows.as_slice()))
        .collect();
    for chart in &CHARTS {
        let _ = writeln!(html, "<figure id=\"chart-{}\">", chart.id);
        match charts::svg(chart, &runs) {
            Ok(svg) => html.push_str(&svg),
            Err(message) => {
                let _ = write!(html, "<p>{}</p>", escape(&message));
            }
        }
        html.push_str("\n</figure>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn table(html: &mut String, names: &[&str], finished: &[Finished]) {
    let summaries: Vec<_> = finished.iter().map(|f| &f.summary).collect();
    let rows = compare(&summaries);
    html.push_str("<table id=\"summary\">\n<tr><th>metric</th>");
    for (at, name) in names.iter().enumerate() {
        let shown = if name.is_empty() { "value" } else { name };
        let _ = write!(html, "<th>{}</th>", escape(shown));
        if at > 0 {
            let _ = write!(
                html,
                "<th>{} &#8722; {}</th>",
                escape(name),
                escape(names[0])
            );
        }
    }
    html.push_str("</tr>\n");
    for row in rows {
        let _ = write!(html, "<tr><td>{}</td>", escape(&row.metric));
        for (at, value) in row.values.iter().enumerate() {
            let _ = write!(html, "<td>{}</td>", number(*value));
            if at > 0 {
                let difference = row.differences[at];
                let _ = write!(
                    html,
                    "<td>{}{}</td>",
                    if difference > 0.0 { "+" } else { "" },
                    number(difference)
                );
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}
