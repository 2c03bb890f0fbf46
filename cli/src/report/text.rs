//! The side-by-side comparison as aligned text columns (`simulate --format table`): each
//! metric per variant and, with several variants, the difference to the first.

use ecs_placement::harness::Compared;

use super::number;

/// The table for variants `names` (one `""` for a single run) and their comparison rows.
pub fn table(names: &[&str], rows: &[Compared]) -> String {
    let several = names.len() > 1;
    let mut header = vec!["metric".to_owned()];
    header.extend(names.iter().map(|n| {
        if n.is_empty() {
            "value".to_owned()
        } else {
            (*n).to_owned()
        }
    }));
    if several {
        header.extend(names[1..].iter().map(|n| format!("{n} - {}", names[0])));
    }
    let mut lines = vec![header];
    for row in rows {
        let mut line = vec![row.metric.clone()];
        line.extend(row.values.iter().map(|v| number(*v)));
        if several {
            line.extend(row.differences[1..].iter().map(|d| signed(*d)));
        }
        lines.push(line);
    }
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .filter_map(|l| l.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let width = widths[c];
                // Names left, numbers right.
                if c == 0 {
                    format!("{cell:<width$}")
                } else {
                    format!("{cell:>width$}")
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// A difference with its sign (`+0` for none, so a column reads the same way down).
fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", number(value))
    } else if value == 0.0 {
        "0".to_owned()
    } else {
        number(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_line_up_with_their_differences() {
        let rows = vec![
            Compared {
                metric: "placed".to_owned(),
                values: vec![120.0, 98.0],
                differences: vec![0.0, -22.0],
            },
            Compared {
                metric: "cpuUtilization".to_owned(),
                values: vec![0.5, 0.625],
                differences: vec![0.0, 0.125],
            },
        ];
        assert_eq!(
            table(&["spread", "packed"], &rows),
            "metric          spread  packed  packed - spread\n\
             placed             120      98              -22\n\
             cpuUtilization  0.5000  0.6250          +0.1250\n"
        );
        let single = Compared {
            metric: "placed".to_owned(),
            values: vec![120.0],
            differences: vec![0.0],
        };
        assert_eq!(table(&[""], &[single]), "metric  value\nplaced    120\n");
    }
}
